/**
 * Just enough protobuf to read Anki's small messages: each field number's values, varints as numbers,
 * length-delimited fields as bytes (strings, nested messages). Other wire types are stepped over.
 */
export function protoFields(b: Uint8Array) {
  const fields = new Map<number, (number | Uint8Array)[]>()
  let at = 0
  const varint = () => {
    let n = 0
    for (let shift = 1; ; shift *= 128) {
      if (at >= b.length) throw new Error('truncated protobuf')
      const byte = b[at++]
      n += (byte & 127) * shift
      if (byte < 128) return n
    }
  }
  while (at < b.length) {
    const key = varint()
    const wire = key % 8
    let value: number | Uint8Array
    if (wire === 0) value = varint()
    else if (wire === 2) {
      const len = varint()
      if (at + len > b.length) throw new Error('truncated protobuf')
      value = b.subarray(at, (at += len))
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4
      continue
    } else throw new Error(`protobuf wire type ${wire}`)
    const field = Math.floor(key / 8)
    const values = fields.get(field)
    if (values) values.push(value)
    else fields.set(field, [value])
  }
  return fields
}

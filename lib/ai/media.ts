// Tiny PNG and WAV encoders for the offline plugin (Web APIs only: CompressionStream for zlib).

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (bytes: Uint8Array) => {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255])

async function zlib(data: Uint8Array) {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream('deflate'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

function chunk(type: string, data: Uint8Array) {
  const body = concat([new TextEncoder().encode(type), data])
  return concat([u32(data.length), body, u32(crc32(body))])
}

/** A size×size RGB PNG: a diagonal gradient between two colours. */
export async function png(
  size: number,
  from: [number, number, number],
  to: [number, number, number],
) {
  const rows: Uint8Array[] = []
  for (let y = 0; y < size; y++) {
    const row = new Uint8Array(1 + size * 3) // filter byte 0, then RGB
    for (let x = 0; x < size; x++) {
      const t = (x + y) / (2 * size - 2)
      for (let ch = 0; ch < 3; ch++)
        row[1 + x * 3 + ch] = Math.round(from[ch] + (to[ch] - from[ch]) * t)
    }
    rows.push(row)
  }
  const header = concat([u32(size), u32(size), new Uint8Array([8, 2, 0, 0, 0])])
  return concat([
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', await zlib(concat(rows))),
    chunk('IEND', new Uint8Array()),
  ])
}

/** A mono 16-bit PCM WAV of these samples. */
export function pcmWav(samples: Int16Array, rate: number) {
  const buf = new DataView(new ArrayBuffer(44 + samples.length * 2))
  const text = (at: number, s: string) =>
    [...s].forEach((ch, i) => buf.setUint8(at + i, ch.charCodeAt(0)))
  text(0, 'RIFF')
  buf.setUint32(4, 36 + samples.length * 2, true)
  text(8, 'WAVE')
  text(12, 'fmt ')
  buf.setUint32(16, 16, true)
  buf.setUint16(20, 1, true)
  buf.setUint16(22, 1, true)
  buf.setUint32(24, rate, true)
  buf.setUint32(28, rate * 2, true)
  buf.setUint16(32, 2, true)
  buf.setUint16(34, 16, true)
  text(36, 'data')
  buf.setUint32(40, samples.length * 2, true)
  samples.forEach((v, i) => buf.setInt16(44 + i * 2, v, true))
  return new Uint8Array(buf.buffer)
}

/** A mono 16-bit PCM WAV: a soft tone of `seconds` at `hz`. */
export function wav(seconds: number, hz: number, rate = 16_000) {
  const n = Math.round(seconds * rate)
  return pcmWav(
    Int16Array.from({ length: n }, (_, i) =>
      Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 8000 * Math.min(1, (n - i) / 800)),
    ),
    rate,
  )
}

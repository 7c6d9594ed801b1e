import { Decompress } from 'fzstd'
import { ANKI_UNPACKED_MAX_BYTES } from '../content/limits'
import { ApiError } from '../errors'
import { yieldToEventLoop } from '../yield'
import { badPackage } from './package'

const BLOCK_MAX = 128 * 1024
/** Fed to the decoder this much at a time, yielding between (about 7 ms of CPU each for 2:1 data here). */
const SLICE = 256 * 1024
const le = (b: Uint8Array, at: number, n: number) => {
  let v = 0
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b[at + i]
  return v
}

/**
 * The most a zstd stream can unpack to and the largest window it asks for (the decoder allocates that up
 * front), read from its frame and block headers without decompressing: a raw or RLE block says its size, a
 * compressed one regenerates at most 128 KiB. Null when the headers do not add up.
 */
export function zstdBound(b: Uint8Array) {
  let at = 0
  let out = 0
  let window = 0
  while (at < b.length) {
    if (at + 6 > b.length) return null
    const magic = le(b, at, 4)
    if (magic >>> 4 === 0x184d2a5) {
      at += 8 + le(b, at + 4, 4) // a skippable frame
      continue
    }
    if (magic !== 0xfd2fb528) return null
    const fhd = b[at + 4]
    const single = (fhd >> 5) & 1
    const fcsBytes = fhd >> 6 ? 1 << (fhd >> 6) : single
    at += 5
    let win = 0
    if (!single) {
      const base = 2 ** (10 + (b[at] >> 3))
      win = base + (base / 8) * (b[at++] & 7)
    }
    at += [0, 1, 2, 4][fhd & 3] // dictionary id
    if (single) win = le(b, at, fcsBytes) + (fcsBytes === 2 ? 256 : 0)
    at += fcsBytes
    window = Math.max(window, win)
    for (let last = 0; !last;) {
      if (at + 3 > b.length) return null
      const h = le(b, at, 3)
      const type = (h >> 1) & 3
      const size = h >>> 3
      if (type === 3) return null
      last = h & 1
      out += type === 2 ? Math.min(win, BLOCK_MAX) : size
      at += 3 + (type === 1 ? 1 : size)
    }
    at += ((fhd >> 2) & 1) * 4 // checksum
  }
  return at === b.length ? { out, window } : null
}

/**
 * Unpacks zstd `bytes` (the package's file `name`) if its headers promise at most `max` bytes, else refuses it
 * unread; the output is counted as it streams too, so nothing grows past `max`.
 */
export async function unzstd(bytes: Uint8Array, name: string, max: number) {
  const bound = zstdBound(bytes)
  if (!bound) throw badPackage('zstd', `The package's file ${name} is not valid zstd`)
  const tooMuch = () =>
    badPackage(
      'zip-bomb',
      `The package would unpack to more than ${ANKI_UNPACKED_MAX_BYTES / 1024 / 1024} MiB (its file ${name} alone promises more than is left)`,
    )
  if (bound.out > max || bound.window > max) throw tooMuch()
  const out = new Uint8Array(bound.out)
  let total = 0
  const decoder = new Decompress((chunk) => {
    if (total + chunk.length > max) throw tooMuch()
    out.set(chunk, total)
    total += chunk.length
  })
  try {
    for (let at = 0; ; at += SLICE) {
      decoder.push(bytes.subarray(at, at + SLICE), at + SLICE >= bytes.length)
      if (at + SLICE >= bytes.length) break
      await yieldToEventLoop()
    }
  } catch (e) {
    if (e instanceof ApiError) throw e
    throw badPackage('zstd', `The package's file ${name} is not valid zstd`)
  }
  return out.subarray(0, total)
}

import { z } from 'zod'
import { ApiError } from '../errors'
import { MEDIA_MAX_BYTES } from './limits'

/** What a card's image or sound can be: recognised by its first bytes, never by a file name or header. */
const TYPES = [
  {
    ext: 'png',
    kind: 'image',
    type: 'image/png',
    at: 0,
    magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  },
  { ext: 'jpg', kind: 'image', type: 'image/jpeg', at: 0, magic: [0xff, 0xd8, 0xff] },
  { ext: 'webp', kind: 'image', type: 'image/webp', at: 8, magic: 'WEBP', riff: true },
  { ext: 'wav', kind: 'audio', type: 'audio/wav', at: 8, magic: 'WAVE', riff: true },
  { ext: 'mp3', kind: 'audio', type: 'audio/mpeg', at: 0, magic: 'ID3' },
  { ext: 'ogg', kind: 'audio', type: 'audio/ogg', at: 0, magic: 'OggS' },
  { ext: 'flac', kind: 'audio', type: 'audio/flac', at: 0, magic: 'fLaC' },
  { ext: 'webm', kind: 'audio', type: 'audio/webm', at: 0, magic: [0x1a, 0x45, 0xdf, 0xa3] },
  { ext: 'm4a', kind: 'audio', type: 'audio/mp4', at: 4, magic: 'ftyp' },
] as const
export type MediaKind = 'image' | 'audio'
export type MediaType = { ext: string; kind: MediaKind; type: string }

/** A stored medium's key: random (64 hex digits) and its type's extension; AI media are .png and .wav. */
const keyOf = (kinds: MediaKind[]) =>
  z.string().regex(
    new RegExp(
      `^[0-9a-f]{64}\\.(${TYPES.filter((t) => kinds.includes(t.kind))
        .map((t) => t.ext)
        .join('|')})$`,
    ),
    `must be the key of ${kinds.length > 1 ? 'a stored medium' : `an ${kinds[0]}`}`,
  )
export const MediaKey = keyOf(['image', 'audio'])
export const ImageKey = keyOf(['image'])
export const AudioKey = keyOf(['audio'])

const has = (b: Uint8Array, at: number, magic: string | readonly number[]) => {
  const bytes = typeof magic === 'string' ? [...magic].map((ch) => ch.charCodeAt(0)) : magic
  return b.length >= at + bytes.length && bytes.every((x, i) => b[at + i] === x)
}

/** The type these bytes are, or null. MP3 without an ID3 tag starts with an MPEG audio frame header. */
export function sniffMedia(b: Uint8Array): MediaType | null {
  const t = TYPES.find((t) => has(b, t.at, t.magic) && (!('riff' in t) || has(b, 0, 'RIFF')))
  if (t) return { ext: t.ext, kind: t.kind, type: t.type }
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0 && (b[1] & 0x06) !== 0)
    return { ext: 'mp3', kind: 'audio', type: 'audio/mpeg' }
  return null
}

/** The type of an upload within its kind's size limit; else 400, 413 or 415 with a message the learner can act on. */
export function checkUpload(b: Uint8Array): MediaType {
  if (!b.length) throw new ApiError('BAD_REQUEST', 'The upload is empty')
  const t = sniffMedia(b)
  if (!t)
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Upload a PNG, JPEG or WebP image, or an MP3, M4A, OGG, WAV, FLAC or WebM sound',
    )
  const max = MEDIA_MAX_BYTES[t.kind]
  if (b.length > max)
    throw new ApiError(
      'PAYLOAD_TOO_LARGE',
      `${t.kind === 'image' ? 'An image' : 'A sound'} may be at most ${max / 1024 / 1024} MB`,
      { kind: t.kind, max, bytes: b.length },
    )
  return t
}

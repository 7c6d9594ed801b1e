import { strFromU8, unzipSync, type UnzipFileInfo } from 'fflate'
import { Decompress } from 'fzstd'
import { ApiError } from '../errors'
import {
  ANKI_INFLATED_MAX_BYTES,
  ANKI_ZIP_MAX_ENTRIES,
  ANKI_ZIP_MAX_RATIO,
} from '../content/limits'
import { protoFields } from './protobuf'
import { joinChunks } from './upload'

/**
 * What a package holds: its collection (SQLite bytes) and its media, each inflated only when asked for, so
 * nothing unpacked stays alive longer than its reader holds it.
 */
export type AnkiPackage = {
  format: 'anki2' | 'anki21' | 'anki21b'
  collection(): Uint8Array
  mediaNames: string[]
  media(name: string): Uint8Array | null
}

export const badPackage = (reason: string, message: string) =>
  new ApiError('BAD_PACKAGE', message, { reason })

/**
 * Opens an .apkg/.colpkg after checking its zip directory (entry count, declared sizes and ratios, total):
 * nothing is inflated before that, and every file inflates into a buffer of its declared size, checked after.
 */
export function openPackage(zip: Uint8Array): AnkiPackage {
  const entries = zipDirectory(zip)
  const read = (name: string) => {
    const e = entries.get(name)
    if (!e) return null
    let out: Uint8Array | undefined
    try {
      out = unzipSync(zip, { filter: (f) => f.name === name })[name]
    } catch {
      throw badPackage('zip', `The package's file ${name} is damaged`)
    }
    if (!out || out.length !== e.originalSize)
      throw badPackage('zip', `The package's file ${name} is not the size its zip says`)
    return out
  }
  const latest = entries.has('collection.anki21b')
  const format = latest ? 'anki21b' : entries.has('collection.anki21') ? 'anki21' : 'anki2'
  const collection = `collection.${format}`
  if (!entries.has(collection))
    throw badPackage('no-collection', 'This zip is not an Anki package: it holds no collection')
  const map = read('media')
  const names = map ? mediaMap(map, latest) : new Map<string, string>()
  return {
    format,
    collection() {
      const raw = read(collection) ?? new Uint8Array()
      return latest ? unzstd(raw, collection) : raw
    },
    mediaNames: [...names.keys()],
    media(name) {
      const file = names.get(name)
      const bytes = file === undefined ? null : read(file)
      return bytes && latest ? unzstd(bytes, name) : bytes
    },
  }
}

function zipDirectory(zip: Uint8Array) {
  const entries = new Map<string, UnzipFileInfo>()
  let inflated = 0
  try {
    unzipSync(zip, {
      filter(f) {
        entries.set(f.name, f)
        inflated += f.originalSize
        if (entries.size > ANKI_ZIP_MAX_ENTRIES)
          throw badPackage('too-many-files', `The package holds over ${ANKI_ZIP_MAX_ENTRIES} files`)
        if (inflated > ANKI_INFLATED_MAX_BYTES || isBomb(f))
          throw badPackage(
            'zip-bomb',
            'The package looks like a zip bomb: it would unpack to far more than it is',
          )
        return false
      },
    })
  } catch (e) {
    if (e instanceof ApiError) throw e
    throw badPackage('not-a-zip', 'This file is not a zip: export an .apkg or .colpkg from Anki')
  }
  return entries
}

const isBomb = (f: UnzipFileInfo) =>
  f.originalSize > 1024 * 1024 && f.originalSize > ANKI_ZIP_MAX_RATIO * Math.max(f.size, 1)

/** zstd, streamed with a running cap: a small frame cannot grow past what the whole package may unpack to. */
function unzstd(bytes: Uint8Array, name: string) {
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    const d = new Decompress((chunk) => {
      total += chunk.length
      if (total > ANKI_INFLATED_MAX_BYTES)
        throw badPackage('zip-bomb', `The package's file ${name} unpacks to too much`)
      chunks.push(chunk)
    })
    d.push(bytes, true)
  } catch (e) {
    if (e instanceof ApiError) throw e
    throw badPackage('zstd', `The package's file ${name} is not valid zstd`)
  }
  return joinChunks(chunks, total)
}

/** Media name → zip entry: legacy JSON {"0": "a.jpg"}, or zstd protobuf MediaEntries (entry i is file "i"). */
function mediaMap(bytes: Uint8Array, latest: boolean) {
  const names = new Map<string, string>()
  try {
    if (!latest) {
      const json = JSON.parse(strFromU8(bytes)) as Record<string, unknown>
      for (const [file, name] of Object.entries(json))
        if (typeof name === 'string') names.set(name, file)
      return names
    }
    protoFields(unzstd(bytes, 'media'))
      .get(1)
      ?.forEach((entry, i) => {
        const e = protoFields(entry as Uint8Array)
        const name = e.get(1)?.[0]
        const file = e.get(255)?.[0] // legacy_zip_filename, when the packer set one
        if (name instanceof Uint8Array) names.set(strFromU8(name), String(file ?? i))
      })
    return names
  } catch (e) {
    if (e instanceof ApiError) throw e
    throw badPackage('media-map', "The package's media list is unreadable")
  }
}

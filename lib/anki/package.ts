import { strFromU8, unzipSync, type UnzipFileInfo } from 'fflate'
import { ApiError } from '../errors'
import {
  ANKI_UNPACKED_MAX_BYTES,
  ANKI_ZIP_MAX_ENTRIES,
  ANKI_ZIP_MAX_RATIO,
} from '../content/limits'
import { protoFields } from './protobuf'
import { unzstd } from './zstd'

/**
 * What a package holds: its collection (SQLite bytes) and its media, each inflated only when asked for, so
 * nothing unpacked stays alive longer than its reader holds it.
 */
export type AnkiPackage = {
  format: 'anki2' | 'anki21' | 'anki21b'
  collection(): Promise<Uint8Array>
  mediaNames: string[]
  media(name: string): Promise<Uint8Array | null>
}

export const badPackage = (reason: string, message: string) =>
  new ApiError('BAD_PACKAGE', message, { reason })

/**
 * Opens an .apkg/.colpkg after checking its zip directory (entry count, declared sizes and ratios, total):
 * nothing is inflated before that, and every file inflates into a buffer of its declared size, checked after.
 * A zstd file (current format) counts what it unpacks to instead, from its headers before it is unpacked,
 * once however often it is read.
 */
export async function openPackage(zip: Uint8Array): Promise<AnkiPackage> {
  const { entries, inflated } = zipDirectory(zip)
  const latest = entries.has('collection.anki21b')
  const grown = new Map<string, number>() // zstd file → what it unpacks to beyond its size in the zip
  const unpack = async (bytes: Uint8Array, name: string) => {
    let left = ANKI_UNPACKED_MAX_BYTES - inflated + bytes.length
    for (const [file, more] of grown) if (file !== name) left -= more
    const out = await unzstd(bytes, name, left)
    grown.set(name, out.length - bytes.length)
    return out
  }
  // Every file of the current format is zstd inside the zip.
  const read = async (name: string) => {
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
    return latest ? unpack(out, name) : out
  }
  const format = latest ? 'anki21b' : entries.has('collection.anki21') ? 'anki21' : 'anki2'
  const collection = `collection.${format}`
  if (!entries.has(collection))
    throw badPackage('no-collection', 'This zip is not an Anki package: it holds no collection')
  const map = await read('media')
  const names = map ? mediaMap(map, latest) : new Map<string, string>()
  return {
    format,
    collection: async () => (await read(collection)) ?? new Uint8Array(),
    mediaNames: [...names.keys()],
    async media(name) {
      const file = names.get(name)
      return file === undefined ? null : read(file)
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
        if (inflated > ANKI_UNPACKED_MAX_BYTES || isBomb(f))
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
  return { entries, inflated }
}

const isBomb = (f: UnzipFileInfo) =>
  f.originalSize > 1024 * 1024 && f.originalSize > ANKI_ZIP_MAX_RATIO * Math.max(f.size, 1)

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
    protoFields(bytes)
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

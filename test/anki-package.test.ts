import { decompress } from 'fzstd'
import { strFromU8, unzipSync } from 'fflate'
import initSqlJs from 'sql.js'
import { describe, expect, it } from 'vitest'
import { ankiPackage, bigModel, smallModel } from './anki-package'

const SQL = await initSqlJs()
const count = (db: Uint8Array, table: string) =>
  new SQL.Database(db).exec(`select count(*) from ${table}`)[0].values[0][0]

describe('test Anki package builder', () => {
  it('writes a legacy package: collection, JSON media map, numbered files', async () => {
    const files = unzipSync(await ankiPackage(smallModel(), 'anki21'))
    expect(Object.keys(files).sort()).toEqual([
      '0',
      '1',
      'collection.anki2',
      'collection.anki21',
      'media',
    ])
    expect(JSON.parse(strFromU8(files.media))).toEqual({ '0': 'eat.png', '1': 'hablo.mp3' })
    expect(count(files['collection.anki21'], 'cards')).toBe(6)
    expect(count(files['collection.anki2'], 'notes')).toBe(1) // the "update Anki" dummy
  })

  it('writes a current package: zstd schema 18 collection, protobuf media map, zstd files', async () => {
    const files = unzipSync(await ankiPackage(smallModel(), 'anki21b'))
    const col = decompress(files['collection.anki21b'])
    expect(new SQL.Database(col).exec('select ver from col')[0].values[0][0]).toBe(18)
    expect(count(col, 'notetypes')).toBe(4)
    expect(count(col, 'revlog')).toBe(4)
    expect(strFromU8(decompress(files.media))).toContain('hablo.mp3')
    expect(decompress(files['0']).slice(1, 4)).toEqual(new Uint8Array([0x50, 0x4e, 0x47]))
  })

  it('makes the bench-sized model', () => {
    const m = bigModel({ cards: 500, reviews: 2000, media: 5 })
    expect([m.cards.length, m.revlog.length, m.media.length]).toEqual([500, 2000, 5])
    expect(new Set(m.revlog.map((r) => r.id)).size).toBe(2000)
  })
})

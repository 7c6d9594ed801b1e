import { strFromU8 } from 'fflate'
import { ApiError } from '../errors'
import { badPackage } from './package'
import { protoFields } from './protobuf'

/** An SQLite database opened from bytes (lib/node/sqlite.ts: sql.js, which runs anywhere WebAssembly does). */
export type SqliteDb = { rows<T>(sql: string): T[]; close(): void }
export type OpenSqlite = (bytes: Uint8Array) => Promise<SqliteDb>

export type AnkiNoteType = {
  id: string
  name: string
  cloze: boolean
  fields: string[]
  templates: { qfmt: string }[]
}
export type AnkiCollection = {
  decks: Map<string, string> // id → name with '::' between levels
  noteTypes: Map<string, AnkiNoteType>
  notes: { id: string; mid: string; flds: string; tags: string }[]
  cards: { id: string; nid: string; did: string; ord: number; queue: number }[]
  revlog: { id: number; cid: string; ease: number; time: number; type: number }[]
}

type LegacyModel = {
  name: string
  type: number
  flds: { name: string; ord: number }[]
  tmpls: { qfmt: string; ord: number }[]
}

// Ids are read as text: Anki's are epoch milliseconds, which JS numbers hold, but text keeps them exact.
const NOTES = `select cast(id as text) as id, cast(mid as text) as mid, flds, tags from notes order by id`
const CARDS = `select cast(id as text) as id, cast(nid as text) as nid, cast(did as text) as did, ord, queue
  from cards order by nid, ord`
const REVLOG = `select id, cast(cid as text) as cid, ease, time, type from revlog order by cid, id`

/** Reads a collection of schema 11 (JSON in `col`) or 18 (tables and protobuf configs). */
export async function readCollection(open: OpenSqlite, bytes: Uint8Array): Promise<AnkiCollection> {
  let db: SqliteDb
  try {
    db = await open(bytes)
  } catch {
    throw badPackage('sqlite', "The package's collection is not an SQLite database")
  }
  try {
    const ver = schemaVersion(db)
    const { decks, noteTypes } = ver >= 15 ? schema18(db) : schema11(db)
    return {
      decks,
      noteTypes,
      notes: db.rows(NOTES),
      cards: db.rows(CARDS),
      revlog: db.rows(REVLOG),
    }
  } catch (e) {
    if (e instanceof ApiError) throw e
    throw badPackage('schema', "The package's collection does not have Anki's tables")
  } finally {
    db.close()
  }
}

function schemaVersion(db: SqliteDb) {
  let ver: number | undefined
  try {
    ver = db.rows<{ ver: number }>('select ver from col')[0]?.ver
  } catch {
    throw badPackage('schema', 'This is not an Anki collection: it has no col table')
  }
  if (typeof ver !== 'number' || ver < 11 || ver > 18)
    throw badPackage('schema', `Anki collection schema ${ver} is not one this import reads (11–18)`)
  return ver
}

function schema11(db: SqliteDb) {
  const [col] = db.rows<{ models: string; decks: string }>('select models, decks from col')
  const models = JSON.parse(col.models) as Record<string, LegacyModel>
  const decks = JSON.parse(col.decks) as Record<string, { name: string }>
  return {
    decks: new Map(Object.entries(decks).map(([id, d]) => [id, String(d.name)])),
    noteTypes: new Map(
      Object.entries(models).map(([id, m]) => [
        id,
        {
          id,
          name: String(m.name),
          cloze: m.type === 1,
          fields: [...m.flds].sort((a, b) => a.ord - b.ord).map((f) => String(f.name)),
          templates: [...m.tmpls]
            .sort((a, b) => a.ord - b.ord)
            .map((t) => ({ qfmt: String(t.qfmt) })),
        },
      ]),
    ),
  }
}

function schema18(db: SqliteDb) {
  const noteTypes = new Map<string, AnkiNoteType>()
  for (const t of db.rows<{ id: string; name: string; config: Uint8Array }>(
    'select cast(id as text) as id, name, config from notetypes',
  ))
    // NotetypeConfig.kind (field 1): 1 is CLOZE
    noteTypes.set(t.id, {
      id: t.id,
      name: t.name,
      cloze: protoFields(t.config).get(1)?.[0] === 1,
      fields: [],
      templates: [],
    })
  for (const f of db.rows<{ ntid: string; name: string }>(
    'select cast(ntid as text) as ntid, name from fields order by ntid, ord',
  ))
    noteTypes.get(f.ntid)?.fields.push(f.name)
  for (const t of db.rows<{ ntid: string; config: Uint8Array }>(
    'select cast(ntid as text) as ntid, config from templates order by ntid, ord',
  )) {
    const q = protoFields(t.config).get(1)?.[0] // CardTemplate.Config.q_format
    noteTypes.get(t.ntid)?.templates.push({ qfmt: q instanceof Uint8Array ? strFromU8(q) : '' })
  }
  const decks = new Map(
    db
      .rows<{ id: string; name: string }>('select cast(id as text) as id, name from decks')
      .map((d) => [d.id, d.name.replaceAll('\x1f', '::')]), // schema 18 separates levels with \x1f
  )
  return { decks, noteTypes }
}

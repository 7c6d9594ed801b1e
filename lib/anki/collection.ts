import { strFromU8 } from 'fflate'
import { ApiError } from '../errors'
import { badPackage } from './package'
import { protoFields } from './protobuf'
import { cleanText } from './text'

/**
 * An SQLite database opened from bytes (lib/node/sqlite.ts: sql.js, which runs anywhere WebAssembly does);
 * `rows` yields each row as an array of its columns, one at a time.
 */
export type SqliteDb = { rows<T extends unknown[]>(sql: string): Iterable<T>; close(): void }
export type OpenSqlite = (bytes: Uint8Array) => Promise<SqliteDb>

export type AnkiNoteType = {
  id: string
  name: string
  cloze: boolean
  fields: string[]
  templates: { qfmt: string }[]
}
export type AnkiRevlog = { id: number; ease: number; time: number; type: number }
export type AnkiCard = { id: string; did: string; ord: number; queue: number; revlog: AnkiRevlog[] }
export type AnkiNote = { id: string; mid: string; flds: string; tags: string; cards: AnkiCard[] }
/** An open collection: its decks and note types read, its notes read one at a time, as often as needed. */
export type AnkiCollection = {
  decks: Map<string, string> // id → name with '::' between levels
  noteTypes: Map<string, AnkiNoteType>
  notes(): Iterable<AnkiNote>
  close(): void
}

type LegacyModel = {
  name: string
  type: number
  flds: { name: string; ord: number }[]
  tmpls: { qfmt: string; ord: number }[]
}

// Ids are read as text: Anki's are epoch milliseconds, which JS numbers hold, but text keeps them exact.
// One pass in note, card, review order, so a note comes whole with its cards and their history.
const NOTES = `select cast(n.id as text), cast(n.mid as text), n.flds, n.tags,
    cast(c.id as text), cast(c.did as text), c.ord, c.queue, r.id, r.ease, r.time, r.type
  from notes n left join cards c on c.nid = n.id left join revlog r on r.cid = c.id
  order by n.id, c.ord, c.id, r.id`
type NoteRow = [string, string, string, string, string | null, string, number, number]
type Row = [...NoteRow, number | null, number, number, number]

/**
 * Opens a collection of schema 11 (JSON in `col`) or 18 (tables and protobuf configs); the caller closes it.
 * Only decks and note types are held: notes stream from SQLite on each `notes()`.
 */
export async function openCollection(open: OpenSqlite, bytes: Uint8Array): Promise<AnkiCollection> {
  let db: SqliteDb
  try {
    db = await open(bytes)
  } catch {
    throw badPackage('sqlite', "The package's collection is not an SQLite database")
  }
  try {
    const ver = schemaVersion(db)
    return {
      ...(ver >= 15 ? schema18(db) : schema11(db)),
      notes: () => notesOf(db),
      close: () => db.close(),
    }
  } catch (e) {
    db.close()
    if (e instanceof ApiError) throw e
    throw notAnki()
  }
}

const notAnki = () => badPackage('schema', "The package's collection does not have Anki's tables")

function* notesOf(db: SqliteDb): Generator<AnkiNote> {
  let note: AnkiNote | undefined
  let card: AnkiCard | undefined
  try {
    for (const [nid, mid, flds, tags, cid, did, ord, queue, rid, ease, time, type] of db.rows<Row>(
      NOTES,
    )) {
      if (nid !== note?.id) {
        if (note) yield note
        note = { id: nid, mid, flds: cleanText(flds), tags: cleanText(tags), cards: [] }
      }
      if (cid === null) continue
      if (cid !== card?.id) note.cards.push((card = { id: cid, did, ord, queue, revlog: [] }))
      if (rid !== null) card.revlog.push({ id: rid, ease, time, type })
    }
  } catch (e) {
    throw e instanceof ApiError ? e : notAnki()
  }
  if (note) yield note
}

function schemaVersion(db: SqliteDb) {
  let ver: number | undefined
  try {
    ver = [...db.rows<[number]>('select ver from col')][0]?.[0]
  } catch {
    throw badPackage('schema', 'This is not an Anki collection: it has no col table')
  }
  if (typeof ver !== 'number' || ver < 11 || ver > 18)
    throw badPackage('schema', `Anki collection schema ${ver} is not one this import reads (11–18)`)
  return ver
}

function schema11(db: SqliteDb) {
  const [[models, decks]] = db.rows<[string, string]>('select models, decks from col')
  return {
    decks: new Map(
      Object.entries(JSON.parse(decks) as Record<string, { name: string }>).map(([id, d]) => [
        id,
        cleanText(String(d.name)),
      ]),
    ),
    noteTypes: new Map(
      Object.entries(JSON.parse(models) as Record<string, LegacyModel>).map(([id, m]) => [
        id,
        {
          id,
          name: cleanText(String(m.name)),
          cloze: m.type === 1,
          fields: [...m.flds].sort((a, b) => a.ord - b.ord).map((f) => cleanText(String(f.name))),
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
  for (const [id, name, config] of db.rows<[string, string, Uint8Array]>(
    'select cast(id as text), name, config from notetypes',
  ))
    // NotetypeConfig.kind (field 1): 1 is CLOZE
    noteTypes.set(id, {
      id,
      name: cleanText(name),
      cloze: protoFields(config).get(1)?.[0] === 1,
      fields: [],
      templates: [],
    })
  for (const [ntid, name] of db.rows<[string, string]>(
    'select cast(ntid as text), name from fields order by ntid, ord',
  ))
    noteTypes.get(ntid)?.fields.push(cleanText(name))
  for (const [ntid, config] of db.rows<[string, Uint8Array]>(
    'select cast(ntid as text), config from templates order by ntid, ord',
  )) {
    const q = protoFields(config).get(1)?.[0] // CardTemplate.Config.q_format
    noteTypes.get(ntid)?.templates.push({ qfmt: q instanceof Uint8Array ? strFromU8(q) : '' })
  }
  const decks = new Map<string, string>()
  for (const [id, name] of db.rows<[string, string]>('select cast(id as text), name from decks'))
    decks.set(id, cleanText(name.replaceAll('\x1f', '::'))) // schema 18 separates levels with \x1f
  return { decks, noteTypes }
}

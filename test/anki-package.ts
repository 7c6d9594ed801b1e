import { compress, init as initZstd } from '@bokuweb/zstd-wasm'
import { strToU8, zipSync, type Zippable } from 'fflate'
import initSqlJs, { type Database } from 'sql.js'
import { SCHEMA_11 } from '../lib/anki/legacy-col'
import { legacyField, legacyTemplate } from '../lib/anki/models'

/**
 * Writes real Anki packages (.apkg/.colpkg) from a small model, for tests and the bench:
 * - 'anki2': schema 11 `collection.anki2`, JSON `media` map, numbered media files (Anki 2.1.49 and older);
 * - 'anki21': the same schema as `collection.anki21` beside a dummy `collection.anki2` (2.1.50+ legacy export);
 * - 'anki21b': schema 18 `collection.anki21b` compressed with zstd, a `meta` file, a dummy `collection.anki2`,
 *   the `media` map as zstd protobuf `MediaEntries` and zstd media files (Anki 2.1.50+ / 23.10+).
 * Anki's `unicase` collation is left out of the schema (SQLite in JS cannot register it).
 */
export type AnkiFormat = 'anki2' | 'anki21' | 'anki21b'
export type AnkiDeck = { id: number; name: string } // name with '::' between levels
export type AnkiTemplate = { name: string; qfmt: string; afmt: string }
export type AnkiNoteType = {
  id: number
  name: string
  kind: 'standard' | 'cloze'
  fields: string[]
  templates: AnkiTemplate[]
}
export type AnkiNote = {
  id: number
  noteTypeId: number
  fields: string[]
  tags: string[]
  guid?: string
}
export type AnkiCard = {
  id: number
  noteId: number
  deckId: number
  ord: number
  type: number // 0 new, 1 learning, 2 review, 3 relearning
  queue: number // -1 suspended, 0 new, 1 learning, 2 review, 3 day learning
  due: number
  ivl: number
  factor: number
  reps: number
  lapses: number
}
export type AnkiRevlog = {
  id: number // epoch ms of the review
  cardId: number
  ease: number // 1–4, 0 for a manual reschedule
  ivl: number
  lastIvl: number
  factor: number
  time: number // ms taken
  type: number // 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual
}
export type AnkiMedia = { name: string; data: Uint8Array }
export type AnkiModel = {
  decks: AnkiDeck[]
  noteTypes: AnkiNoteType[]
  notes: AnkiNote[]
  cards: AnkiCard[]
  revlog: AnkiRevlog[]
  media: AnkiMedia[]
}

const SQL = initSqlJs()
const zstdReady = initZstd()

/** Anki's stock note types plus a three-field vocabulary type (mapped to Basic keeping every field). */
export const STOCK_NOTE_TYPES = {
  basic: {
    id: 1_700_000_000_001,
    name: 'Basic',
    kind: 'standard',
    fields: ['Front', 'Back'],
    templates: [{ name: 'Card 1', qfmt: '{{Front}}', afmt: '{{FrontSide}}<hr id=answer>{{Back}}' }],
  },
  reversed: {
    id: 1_700_000_000_002,
    name: 'Basic (and reversed card)',
    kind: 'standard',
    fields: ['Front', 'Back'],
    templates: [
      { name: 'Card 1', qfmt: '{{Front}}', afmt: '{{FrontSide}}<hr id=answer>{{Back}}' },
      { name: 'Card 2', qfmt: '{{Back}}', afmt: '{{FrontSide}}<hr id=answer>{{Front}}' },
    ],
  },
  cloze: {
    id: 1_700_000_000_003,
    name: 'Cloze',
    kind: 'cloze',
    fields: ['Text', 'Back Extra'],
    templates: [
      { name: 'Cloze', qfmt: '{{cloze:Text}}', afmt: '{{cloze:Text}}<br>{{Back Extra}}' },
    ],
  },
  vocabulary: {
    id: 1_700_000_000_004,
    name: 'Vocabulary',
    kind: 'standard',
    fields: ['Word', 'Meaning', 'Example'],
    templates: [
      {
        name: 'Recognition',
        qfmt: '{{Word}}',
        afmt: '{{FrontSide}}<hr>{{Meaning}}<br>{{Example}}',
      },
    ],
  },
} satisfies Record<string, AnkiNoteType>

const DAY = 86_400_000
/** A small collection: two decks (one nested), every stock type, tags, a revlog and two media files. */
export function smallModel(now = Date.UTC(2026, 10, 1)): AnkiModel {
  const t = STOCK_NOTE_TYPES
  const decks = [
    { id: 1, name: 'Default' },
    { id: 1_700_000_000_100, name: 'Spanish::Verbs' },
  ]
  const deck = decks[1].id
  const notes: AnkiNote[] = [
    {
      id: 101,
      noteTypeId: t.basic.id,
      fields: ['<b>hablar</b>', 'to speak'],
      tags: ['verbs', 'es::a1'],
    },
    {
      id: 102,
      noteTypeId: t.reversed.id,
      fields: ['comer', 'to eat<br><img src="eat.png">'],
      tags: [],
    },
    {
      id: 103,
      noteTypeId: t.cloze.id,
      fields: ['{{c1::Yo}} {{c2::hablo}} español [sound:hablo.mp3]', ''],
      tags: ['cloze'],
    },
    {
      id: 104,
      noteTypeId: t.vocabulary.id,
      fields: ['casa', 'house', 'mi casa es su casa'],
      tags: [],
    },
  ]
  const card = (id: number, noteId: number, ord: number, reviewed: boolean): AnkiCard =>
    reviewed
      ? {
          id,
          noteId,
          deckId: deck,
          ord,
          type: 2,
          queue: 2,
          due: 30,
          ivl: 10,
          factor: 2500,
          reps: 3,
          lapses: 1,
        }
      : {
          id,
          noteId,
          deckId: deck,
          ord,
          type: 0,
          queue: 0,
          due: id,
          ivl: 0,
          factor: 0,
          reps: 0,
          lapses: 0,
        }
  const cards = [
    card(1001, 101, 0, true),
    card(1002, 102, 0, false),
    card(1003, 102, 1, false),
    card(1004, 103, 0, false),
    card(1005, 103, 1, false),
    { ...card(1006, 104, 0, false), deckId: 1 },
  ]
  const start = now - 30 * DAY
  const review = (i: number, days: number, ease: number, type: number): AnkiRevlog => ({
    id: start + days * DAY + i,
    cardId: 1001,
    ease,
    ivl: 1,
    lastIvl: 0,
    factor: 2500,
    time: 6000,
    type,
  })
  const revlog = [review(0, 0, 3, 0), review(1, 1, 3, 1), review(2, 4, 1, 1), review(3, 5, 3, 2)]
  const media = [
    { name: 'eat.png', data: PNG_1X1 },
    { name: 'hablo.mp3', data: MP3_FRAME },
  ]
  return { decks, noteTypes: Object.values(t), notes, cards, revlog, media }
}

/** A large collection for the bench: `cards` Basic notes with `reviews` revlog rows spread over them. */
export function bigModel(n: { cards: number; reviews: number; media: number }): AnkiModel {
  const t = STOCK_NOTE_TYPES.basic
  const now = Date.UTC(2026, 10, 1)
  const decks = Array.from({ length: 10 }, (_, i) => ({
    id: 1_000 + i,
    name: `Big::Part ${i + 1}`,
  }))
  const notes: AnkiNote[] = []
  const cards: AnkiCard[] = []
  for (let i = 0; i < n.cards; i++) {
    const img = i < n.media ? `<img src="m${i}.png">` : ''
    notes.push({
      id: 10_000 + i,
      noteTypeId: t.id,
      fields: [`word ${i}`, `meaning ${i}${img}`],
      tags: ['big'],
    })
    const reviewed = i < n.reviews
    cards.push({
      id: 100_000 + i,
      noteId: 10_000 + i,
      deckId: decks[i % decks.length].id,
      ord: 0,
      type: reviewed ? 2 : 0,
      queue: reviewed ? 2 : 0,
      due: reviewed ? 10 : i,
      ivl: reviewed ? 10 : 0,
      factor: reviewed ? 2500 : 0,
      reps: 0,
      lapses: 0,
    })
  }
  const revlog: AnkiRevlog[] = []
  const reviewedCards = Math.min(n.cards, n.reviews)
  for (let r = 0; r < n.reviews; r++) {
    const c = cards[r % reviewedCards]
    const k = Math.floor(r / reviewedCards) // this card's k-th review
    c.reps++
    const ease = (r * 7919) % 10 === 0 ? 1 : 3 // a deterministic 10% of lapses
    if (ease === 1) c.lapses++
    revlog.push({
      id: now - 400 * DAY + k * 2 ** Math.min(k, 6) * DAY + r,
      cardId: c.id,
      ease,
      ivl: 2 ** k,
      lastIvl: k ? 2 ** (k - 1) : 0,
      factor: 2500,
      time: 5000,
      type: k === 0 ? 0 : 1,
    })
  }
  const media = Array.from({ length: n.media }, (_, i) => ({ name: `m${i}.png`, data: PNG_1X1 }))
  return { decks, noteTypes: [t], notes, cards, revlog, media }
}

/** The package's bytes in the given format. */
export async function ankiPackage(model: AnkiModel, format: AnkiFormat = 'anki21b') {
  const files: Zippable = {}
  const mediaNames: Record<string, string> = {}
  if (format === 'anki21b') {
    await zstdReady
    files['meta'] = [message([varint(1, 3)]), { level: 0 }] // PackageMetadata { version: LATEST }
    files['collection.anki21b'] = [compress(await collection(model, 18), 3), { level: 0 }]
    files['collection.anki2'] = await collection(dummyModel(), 11)
    files['media'] = [compress(mediaEntries(model.media), 3), { level: 0 }]
    model.media.forEach((m, i) => (files[String(i)] = [compress(m.data, 3), { level: 0 }]))
  } else {
    files[`collection.${format}`] = await collection(model, 11)
    if (format === 'anki21') files['collection.anki2'] = await collection(dummyModel(), 11)
    model.media.forEach((m, i) => {
      mediaNames[String(i)] = m.name
      files[String(i)] = [m.data, { level: 0 }]
    })
    files['media'] = strToU8(JSON.stringify(mediaNames))
  }
  return zipSync(files, { level: 6 })
}

/** What Anki puts in the legacy file of a current package: one note asking to update Anki. */
function dummyModel(): AnkiModel {
  const t = STOCK_NOTE_TYPES.basic
  return {
    decks: [{ id: 1, name: 'Default' }],
    noteTypes: [t],
    notes: [
      {
        id: 1,
        noteTypeId: t.id,
        fields: [
          'Please update to the latest Anki version, then import the .colpkg/.apkg file again.',
          '',
        ],
        tags: [],
      },
    ],
    cards: [
      {
        id: 1,
        noteId: 1,
        deckId: 1,
        ord: 0,
        type: 0,
        queue: 0,
        due: 1,
        ivl: 0,
        factor: 0,
        reps: 0,
        lapses: 0,
      },
    ],
    revlog: [],
    media: [],
  }
}

// The legacy schema is the one the export writes (lib/anki/legacy-col.ts).

const SCHEMA_18 = `
create table deck_config (id integer primary key not null, name text not null, mtime_secs integer not null,
  usn integer not null, config blob not null);
create table config (key text not null primary key, usn integer not null, mtime_secs integer not null,
  val blob not null) without rowid;
create table fields (ntid integer not null, ord integer not null, name text not null, config blob not null,
  primary key (ntid, ord)) without rowid;
create table templates (ntid integer not null, ord integer not null, name text not null,
  mtime_secs integer not null, usn integer not null, config blob not null, primary key (ntid, ord)) without rowid;
create table notetypes (id integer not null primary key, name text not null, mtime_secs integer not null,
  usn integer not null, config blob not null);
create table decks (id integer primary key not null, name text not null, mtime_secs integer not null,
  usn integer not null, common blob not null, kind blob not null);
create table tags (tag text not null primary key, usn integer not null, collapsed boolean not null,
  config blob null) without rowid;`

async function collection(model: AnkiModel, ver: 11 | 18) {
  const db = new (await SQL).Database()
  try {
    db.run('pragma journal_mode = off')
    db.exec(SCHEMA_11 + (ver === 18 ? SCHEMA_18 : ''))
    db.exec('begin')
    const legacy = ver === 11
    db.run('insert into col values (1, 1600000000, 0, 0, ?, 0, 0, 0, ?, ?, ?, ?, ?)', [
      ver,
      legacy ? '{}' : '',
      legacy ? JSON.stringify(legacyModels(model.noteTypes)) : '',
      legacy ? JSON.stringify(legacyDecks(model.decks)) : '',
      legacy ? '{}' : '',
      legacy ? '{}' : '',
    ])
    if (!legacy) writeSchema18(db, model)
    insertAll(
      db,
      "insert into notes values (?, ?, ?, 0, -1, ?, ?, ?, 0, 0, '')",
      model.notes,
      (n) => [
        n.id,
        n.guid ?? `g${n.id}`,
        n.noteTypeId,
        n.tags.length ? ` ${n.tags.join(' ')} ` : '',
        n.fields.join('\x1f'),
        n.fields[0],
      ],
    )
    insertAll(
      db,
      "insert into cards values (?, ?, ?, ?, 0, -1, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, '')",
      model.cards,
      (c) => [
        c.id,
        c.noteId,
        c.deckId,
        c.ord,
        c.type,
        c.queue,
        c.due,
        c.ivl,
        c.factor,
        c.reps,
        c.lapses,
      ],
    )
    insertAll(db, 'insert into revlog values (?, ?, -1, ?, ?, ?, ?, ?, ?)', model.revlog, (r) => [
      r.id,
      r.cardId,
      r.ease,
      r.ivl,
      r.lastIvl,
      r.factor,
      r.time,
      r.type,
    ])
    db.exec('commit')
    return db.export()
  } finally {
    db.close()
  }
}

function insertAll<T>(
  db: Database,
  sql: string,
  rows: T[],
  values: (row: T) => (string | number)[],
) {
  const stmt = db.prepare(sql)
  for (const row of rows) stmt.run(values(row))
  stmt.free()
}

function legacyModels(types: AnkiNoteType[]) {
  return Object.fromEntries(
    types.map((t) => [
      String(t.id),
      {
        id: t.id,
        name: t.name,
        type: t.kind === 'cloze' ? 1 : 0,
        mod: 0,
        usn: -1,
        sortf: 0,
        did: 1,
        css: '.card { font-family: arial; }',
        latexPre: '',
        latexPost: '',
        tags: [],
        vers: [],
        req: t.templates.map((_, i) => [i, 'any', [i]]),
        flds: t.fields.map(legacyField),
        tmpls: t.templates.map(legacyTemplate),
      },
    ]),
  )
}

function legacyDecks(decks: AnkiDeck[]) {
  return Object.fromEntries(
    decks.map((d) => [
      String(d.id),
      { id: d.id, name: d.name, mod: 0, usn: -1, dyn: 0, desc: '', conf: 1, collapsed: false },
    ]),
  )
}

function writeSchema18(db: Database, model: AnkiModel) {
  for (const t of model.noteTypes) {
    // NotetypeConfig { kind = 1 (CLOZE = 1), sort_field_idx = 2, css = 3 }
    db.run('insert into notetypes values (?, ?, 0, -1, ?)', [
      t.id,
      t.name,
      message([varint(1, t.kind === 'cloze' ? 1 : 0), bytes(3, strToU8('.card {}'))]),
    ])
    t.fields.forEach((name, ord) =>
      db.run('insert into fields values (?, ?, ?, ?)', [
        t.id,
        ord,
        name,
        message([bytes(3, strToU8('Arial')), varint(4, 20)]),
      ]),
    )
    // Template config { q_format = 1, a_format = 2 }
    t.templates.forEach((tm, ord) =>
      db.run('insert into templates values (?, ?, ?, 0, -1, ?)', [
        t.id,
        ord,
        tm.name,
        message([bytes(1, strToU8(tm.qfmt)), bytes(2, strToU8(tm.afmt))]),
      ]),
    )
  }
  for (const d of model.decks)
    // schema 18 separates deck levels with \x1f; kind = DeckKind { normal = 1 }
    db.run('insert into decks values (?, ?, 0, -1, ?, ?)', [
      d.id,
      d.name.replaceAll('::', '\x1f'),
      message([]),
      message([bytes(1, message([]))]),
    ])
  db.run('insert into deck_config values (1, ?, 0, -1, ?)', ['Default', message([])])
}

/** MediaEntries { repeated MediaEntry entries = 1 }, MediaEntry { name = 1, size = 2, sha1 = 3 }. */
function mediaEntries(media: AnkiMedia[]) {
  return message(
    media.map((m) =>
      bytes(
        1,
        message([
          bytes(1, strToU8(m.name)),
          varint(2, m.data.length),
          bytes(3, new Uint8Array(20)),
        ]),
      ),
    ),
  )
}

// Just enough protobuf to write the messages above.
function varintBytes(n: number) {
  const out: number[] = []
  do {
    let b = n % 128
    n = Math.floor(n / 128)
    if (n > 0) b |= 128
    out.push(b)
  } while (n > 0)
  return out
}
const varint = (field: number, n: number) =>
  new Uint8Array([...varintBytes(field << 3), ...varintBytes(n)])
const bytes = (field: number, b: Uint8Array) =>
  new Uint8Array([...varintBytes((field << 3) | 2), ...varintBytes(b.length), ...b])
function message(parts: Uint8Array[]) {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** A real 1×1 PNG and an MPEG audio frame header, so content sniffing sees the right types. */
export const PNG_1X1 = Uint8Array.from(
  atob(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  ),
  (c) => c.charCodeAt(0),
)
export const MP3_FRAME = new Uint8Array([
  0x49,
  0x44,
  0x33,
  3,
  0,
  0,
  0,
  0,
  0,
  0,
  ...new Uint8Array(400),
])

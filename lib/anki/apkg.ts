import { strToU8, zipSync, type Zippable } from 'fflate'
import type { CardInput } from 'ts-fsrs'
import type { DeckPackage, PackageCard } from '../content/deck-package'
import { legacyConf, legacyDeckConfig, legacyDecks, SCHEMA_11 } from './legacy-col'
import { ankiFields, ANKI_MODELS, legacyModels } from './models'

export type SqlValue = string | number | null
/** Writes a new SQLite database: a schema, then rows per statement (Node: sql.js, lib/node/sqlite-write.ts). */
export type WriteSqlite = (
  schema: string,
  inserts: { sql: string; rows: SqlValue[][] }[],
) => Promise<Uint8Array>

const DAY = 86_400_000
const secs = (ms: number) => Math.floor(ms / 1000)
const ms = (d: Date | string | number | undefined | null) => (d ? new Date(d).getTime() : 0)
/** Anki's ids are epoch milliseconds: from each row's own time, moved on by 1 ms past a taken one. */
function idsFrom(times: number[]) {
  let last = 0
  return times.map((t) => (last = Math.max(t, last + 1)))
}
/** FSRS difficulty (1 easy … 10 hard) as an SM-2 ease factor (3000 … 1300), for Anki without FSRS. */
const factorOf = (s: CardInput) =>
  s.state ? Math.round(3000 - ((s.difficulty - 1) / 9) * 1700) : 0
// revlog.type from the state reviewed: 0 learn, 1 review, 2 relearn.
const REVLOG_TYPE = [0, 0, 1, 2]

/** A deck as a legacy .apkg: schema-11 collection, JSON media map, media files named 0, 1, …. */
export async function buildApkg(
  p: DeckPackage,
  media: Map<string, Uint8Array>,
  write: WriteSqlite,
  now: number,
) {
  const deckId = ms(p.deck.createdAt)
  const crt = Math.min(ms(p.deck.createdAt), ...p.reviews.map((r) => ms(r.at)))
  const crtDay = Math.floor(crt / DAY) * DAY
  const noteIdList = idsFrom(p.notes.map((n) => ms(n.createdAt)))
  const noteIds = new Map(p.notes.map((n, i) => [n.id, noteIdList[i]]))
  const cardIdList = idsFrom(p.cards.map((c) => ms(c.createdAt)))
  const cardIds = new Map(p.cards.map((c, i) => [c.id, cardIdList[i]]))
  const byNote = new Map<string, PackageCard[]>()
  for (const c of p.cards) byNote.set(c.noteId, [...(byNote.get(c.noteId) ?? []), c])
  const types = [...new Set(p.notes.map((n) => n.type))]

  const notes = await Promise.all(
    p.notes.map(async (n) => {
      const cards = byNote.get(n.id) ?? []
      const fields = ankiFields(n.type, n.fields, {
        images: unique(cards.map((c) => c.imageKey)),
        sounds: unique(cards.map((c) => c.audioKey)),
      })
      const sort = fields[0].replace(/<[^>]*>/g, '')
      const tags = unique(cards.flatMap((c) => c.tags))
      return [
        noteIds.get(n.id) ?? 0,
        n.id,
        ANKI_MODELS[n.type].id,
        secs(ms(n.updatedAt)),
        -1,
        tags.length ? ` ${tags.map((t) => t.replace(/\s+/g, '_')).join(' ')} ` : '',
        fields.join('\x1f'),
        sort,
        await checksum(sort),
        0,
        '',
      ]
    }),
  )
  const type = new Map(p.notes.map((n) => [n.id, n.type]))
  const cards = p.cards.map((c, i) => {
    const s = schedule(c, i + 1, crtDay)
    const memory = c.fsrs.state
      ? {
          s: c.fsrs.stability,
          d: c.fsrs.difficulty,
          dr: p.deck.desiredRetention,
          lrt: secs(ms(c.fsrs.last_review)),
        }
      : null
    return [
      cardIds.get(c.id) ?? 0,
      noteIds.get(c.noteId) ?? 0,
      deckId,
      type.get(c.noteId) === 'cloze' ? c.ord - 1 : c.ord, // Anki counts clozes from 0
      secs(now),
      -1,
      s.type,
      s.queue,
      s.due,
      s.ivl,
      factorOf(c.fsrs),
      c.fsrs.reps,
      c.fsrs.lapses,
      0,
      0,
      0,
      c.flag,
      memory ? JSON.stringify(memory) : '',
    ]
  })
  const revIds = idsFrom(p.reviews.map((r) => ms(r.at)))
  const revlog = p.reviews.map((r, i) => [
    revIds[i],
    cardIds.get(r.cardId) ?? 0,
    -1,
    r.grade,
    interval(r.after, ms(r.at)),
    r.before.state ? interval(r.before, ms(r.before.last_review)) : 0,
    factorOf(r.after),
    Math.min(r.durationMs, 60_000),
    REVLOG_TYPE[Number(r.before.state)] ?? 0,
  ])
  const col = [
    1,
    secs(crtDay),
    now,
    now,
    11,
    0,
    0,
    0,
    JSON.stringify(legacyConf(deckId, p.cards.length + 1)),
    JSON.stringify(legacyModels(types, deckId, secs(now))),
    JSON.stringify(legacyDecks(p.deck.name, deckId, secs(now))),
    JSON.stringify(legacyDeckConfig(p.deck.desiredRetention)),
    '{}',
  ]
  const collection = await write(SCHEMA_11, [
    { sql: 'insert into col values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', rows: [col] },
    { sql: 'insert into notes values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', rows: notes },
    {
      sql: 'insert into cards values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      rows: cards,
    },
    { sql: 'insert into revlog values (?, ?, ?, ?, ?, ?, ?, ?, ?)', rows: revlog },
  ])
  const files: Zippable = { 'collection.anki2': collection }
  const names: Record<string, string> = {}
  ;[...media].forEach(([name, bytes], i) => {
    names[String(i)] = name
    files[String(i)] = [bytes, { level: 0 }] // already compressed formats
  })
  files.media = strToU8(JSON.stringify(names))
  return zipSync(files, { level: 6 })
}

const unique = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))]

/** Anki's sort-field checksum: the first 8 hex digits of the SHA-1 of the field's text. */
async function checksum(text: string) {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-1', strToU8(text)))
  return ((hash[0] << 24) | (hash[1] << 16) | (hash[2] << 8) | hash[3]) >>> 0
}

/** revlog ivl: days for a review, negative seconds for a (re)learning step. */
function interval(s: CardInput, from: number) {
  if (s.state === 2) return Math.max(1, s.scheduled_days)
  return -Math.max(1, secs(ms(s.due) - from))
}

/** A card's type, queue, due and interval in Anki's terms: new by position, review by day, learning by time. */
function schedule(c: PackageCard, position: number, crtDay: number) {
  const s = c.fsrs
  const held = c.suspended ? -1 : c.buried ? -3 : null
  const dueDay = Math.max(0, Math.floor((ms(s.due) - crtDay) / DAY))
  if (!s.state) return { type: 0, queue: held ?? 0, due: position, ivl: 0 }
  if (s.state === 2)
    return { type: 2, queue: held ?? 2, due: dueDay, ivl: Math.max(1, s.scheduled_days) }
  const interday = s.scheduled_days >= 1
  return {
    type: s.state,
    queue: held ?? (interday ? 3 : 1),
    due: interday ? dueDay : secs(ms(s.due)),
    ivl: s.state === 3 ? Math.max(1, Math.round(s.stability)) : 0,
  }
}

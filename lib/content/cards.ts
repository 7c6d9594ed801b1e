import { type CardInput, createEmptyCard } from 'ts-fsrs'
import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import type { CardFilter } from './card-filters'
import { requireDeck } from './decks'

export type Example = { sentence: string; translation: string; level?: string }
export type CardFields = {
  front: string
  back?: string
  notes?: string
  examples?: Example[]
  tags?: string[]
}
export type Card = CardFields & {
  id: string
  deckId: string
  noteId: string
  ord: number
  /** Its note's fields no longer make it (a cloze number removed): kept, out of the queue. */
  empty: boolean
  imageKey: string | null
  audioKey: string | null
  due: Date
  state: number
  suspended: boolean
  buriedUntil: Date | null
  flag: number
  version: number
  createdAt: Date
  updatedAt: Date
}
export type CardRow = {
  id: string
  deck_id: string
  note_id: string
  ord: number
  empty: boolean
  front: string
  back: string
  notes: string
  examples: Example[]
  tags: string[]
  image_key: string | null
  audio_key: string | null
  due: Date
  state: number
  suspended: boolean
  buried_until: Date | null
  flag: number
  version: number
  created_at: Date
  updated_at: Date
  fsrs: CardInput
}
export const toCard = (r: CardRow): Card => ({
  id: r.id,
  deckId: r.deck_id,
  noteId: r.note_id,
  ord: r.ord,
  empty: r.empty,
  front: r.front,
  back: r.back,
  notes: r.notes,
  examples: r.examples,
  tags: r.tags,
  imageKey: r.image_key,
  audioKey: r.audio_key,
  due: r.due,
  state: r.state,
  suspended: r.suspended,
  buriedUntil: r.buried_until,
  flag: r.flag,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

/** A card of a note (lib/content/notes.ts makes them). */
export type NewCard = CardFields & { noteId: string; ord: number }

/** Adds cards to a deck (one statement for a bulk add): each starts as a new FSRS card. */
export async function insertCards(sql: Sql, deckId: string, cards: NewCard[], now: Date) {
  const fresh = JSON.stringify(createEmptyCard(now))
  const rows = await sql<CardRow>(
    // created_at steps by a millisecond per card, so a bulk add keeps its order in the deck
    `insert into content.cards (deck_id, note_id, ord, front, back, notes, examples, tags, fsrs, due, created_at)
     select $1, x.note_id, x.ord, x.front, coalesce(x.back, ''), coalesce(x.notes, ''), coalesce(x.examples, '[]'::jsonb),
            coalesce(array(select jsonb_array_elements_text(x.tags)), '{}'), $3::jsonb, $4::timestamptz, $4::timestamptz + x.n * interval '1 millisecond'
     from rows from (jsonb_to_recordset($2::jsonb) as (note_id uuid, ord smallint, front text, back text, notes text, examples jsonb, tags jsonb))
          with ordinality as x(note_id, ord, front, back, notes, examples, tags, n)
     order by x.n
     returning *`,
    [
      deckId,
      JSON.stringify(cards.map(({ noteId, ...c }) => ({ ...c, note_id: noteId }))),
      fresh,
      now,
    ],
  )
  return rows.map(toCard)
}

/** Locks the deck and checks that `adding` more cards fit under `max`. */
export async function makeRoom(sql: Sql, deckId: string, adding: number, max: number) {
  await requireDeck(sql, deckId, true)
  const [{ n }] = await sql<{ n: string }>(
    `select count(*) as n from content.cards where deck_id = $1`,
    [deckId],
  )
  if (Number(n) + adding > max)
    throw new ApiError('BAD_REQUEST', `A deck holds at most ${max} cards`, { max })
}

/** A deck's cards, oldest first, filtered by text, tag and study state; keyset pages on (created_at, id). */
export async function listCards(
  sql: Sql,
  deckId: string,
  o: {
    q?: string
    tag?: string
    is?: CardFilter
    flag?: number
    now: Date
    after?: { at: Date; id: string }
    limit: number
  },
) {
  const rows = await sql<CardRow>(
    `select * from content.cards where deck_id = $1
       and ($2::text is null or front ilike $2 or back ilike $2 or notes ilike $2)
       and ($3::text is null or $3 = any(tags))
       and ($4::timestamptz is null or (created_at, id) > ($4, $5::uuid))
       and ($7::text is null or ($7 = 'suspended' and suspended) or ($7 = 'buried' and buried_until > $8)
            or ($7 = 'leech' and 'leech' = any(tags)) or ($7 = 'flagged' and flag <> 0 and ($9::int is null or flag = $9)))
     order by created_at, id limit $6`,
    [
      deckId,
      o.q ? `%${o.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null,
      o.tag ?? null,
      o.after?.at ?? null,
      o.after?.id ?? null,
      o.limit,
      o.is ?? null,
      o.now,
      o.flag ?? null,
    ],
  )
  return rows.map(toCard)
}

export async function getCard(sql: Sql, id: string, lock = false) {
  const [row] = await sql<CardRow>(
    `select * from content.cards where id = $1${lock ? ' for update' : ''}`,
    [id],
  )
  return row ? toCard(row) : null
}

/** A card with its deck's languages (what the AI actions translate between). */
export async function getCardWithLanguages(sql: Sql, id: string) {
  const [row] = await sql<CardRow & { source_lang: string; target_lang: string }>(
    `select c.*, d.source_lang, d.target_lang from content.cards c join content.decks d on d.id = c.deck_id where c.id = $1`,
    [id],
  )
  return row
    ? {
        card: toCard(row),
        sourceLang: row.source_lang,
        targetLang: row.target_lang,
      }
    : null
}

/** Fields left out stay as they are; a medium set to null is removed. */
export type CardChange = Partial<CardFields & { imageKey: string | null; audioKey: string | null }>
// What a card's history keeps of it: everything a learner or an AI action can change.
const CONTENT = `jsonb_build_object('front', old.front, 'back', old.back, 'notes', old.notes, 'examples', old.examples,
  'tags', to_jsonb(old.tags), 'imageKey', old.image_key, 'audioKey', old.audio_key)`

/**
 * Changes the given fields, and keeps what they replaced in the card's history under `change` (nothing is
 * recorded when nothing changed), so every change can be undone from the card page.
 */
export async function updateCard(sql: Sql, id: string, c: CardChange, change = 'edit') {
  const [row] = await sql<CardRow>(
    `with old as (select * from content.cards where id = $1 for update),
     upd as (
       update content.cards x set front = coalesce($2, old.front), back = coalesce($3, old.back), notes = coalesce($4, old.notes),
         examples = coalesce($5::jsonb, old.examples), tags = coalesce($6::text[], old.tags),
         image_key = case when $10 then $7 else old.image_key end, audio_key = case when $11 then $8 else old.audio_key end
       from old where x.id = old.id returning x.*),
     hist as (
       insert into content.card_history (card_id, change, before)
       select old.id, $9, ${CONTENT} from old, upd
       where (old.front, old.back, old.notes, old.examples, old.tags, old.image_key, old.audio_key)
             is distinct from (upd.front, upd.back, upd.notes, upd.examples, upd.tags, upd.image_key, upd.audio_key))
     select * from upd`,
    [
      id,
      c.front ?? null,
      c.back ?? null,
      c.notes ?? null,
      c.examples ? JSON.stringify(c.examples) : null,
      c.tags ?? null,
      c.imageKey ?? null,
      c.audioKey ?? null,
      change,
      c.imageKey !== undefined,
      c.audioKey !== undefined,
    ],
  )
  return row ? toCard(row) : null
}

/** Deletes a card, and its note when that was the note's last card. */
export async function deleteCard(sql: Sql, id: string) {
  const [gone] = await sql<{ note_id: string }>(
    `delete from content.cards where id = $1 returning note_id`,
    [id],
  )
  if (!gone) return false
  await sql(
    `delete from content.notes n where n.id = $1 and not exists (select 1 from content.cards c where c.note_id = n.id)`,
    [gone.note_id],
  )
  return true
}

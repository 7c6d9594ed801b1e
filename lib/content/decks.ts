import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import { todayLimits } from './today'

export type Deck = {
  id: string
  name: string
  description: string
  sourceLang: string
  targetLang: string
  newPerDay: number
  reviewsPerDay: number
  cardCount: number
  newCount: number
  newTotal: number
  dueCount: number
  createdAt: Date
  updatedAt: Date
}
const toDeck = (r: Record<string, any>): Deck => ({
  id: r.id,
  name: r.name,
  description: r.description,
  sourceLang: r.source_lang,
  targetLang: r.target_lang,
  newPerDay: r.new_per_day,
  reviewsPerDay: r.reviews_per_day,
  cardCount: Number(r.card_count ?? 0),
  newCount: Number(r.new_count ?? 0),
  newTotal: Number(r.new_total ?? 0),
  dueCount: Number(r.due_count ?? 0),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

// RLS limits every query to the transaction's user. newCount and dueCount are what today's limits let the
// learner study now (the study queue holds exactly these); newTotal counts every card not yet seen.
const WITH_COUNTS = `with ${todayLimits('$2')}
  select d.*, (select count(*) from content.cards c where c.deck_id = d.id) as card_count, k.new_total, k.new_count, k.due_count
  from content.decks d join counts k on k.id = d.id`

export async function listDecks(sql: Sql, now: Date) {
  return (await sql(`${WITH_COUNTS} order by d.created_at, d.id limit 500`, [now, null])).map(
    toDeck,
  )
}

export async function getDeck(sql: Sql, id: string, now: Date) {
  const [row] = await sql(WITH_COUNTS, [now, id])
  return row ? toDeck(row) : null
}

export type DeckFields = {
  name: string
  description?: string
  sourceLang: string
  targetLang: string
  newPerDay?: number
  reviewsPerDay?: number
}

export async function createDeck(sql: Sql, d: DeckFields) {
  const [row] = await sql<{ id: string }>(
    `insert into content.decks (name, description, source_lang, target_lang, new_per_day, reviews_per_day)
     values ($1, $2, $3, $4, coalesce($5, 20), coalesce($6, 200)) returning id`,
    [
      d.name,
      d.description ?? '',
      d.sourceLang,
      d.targetLang,
      d.newPerDay ?? null,
      d.reviewsPerDay ?? null,
    ],
  )
  return row.id
}

export async function updateDeck(sql: Sql, id: string, d: Partial<DeckFields>) {
  const rows = await sql(
    `update content.decks set name = coalesce($2, name), description = coalesce($3, description), source_lang = coalesce($4, source_lang),
       target_lang = coalesce($5, target_lang), new_per_day = coalesce($6, new_per_day), reviews_per_day = coalesce($7, reviews_per_day)
     where id = $1 returning id`,
    [
      id,
      d.name ?? null,
      d.description ?? null,
      d.sourceLang ?? null,
      d.targetLang ?? null,
      d.newPerDay ?? null,
      d.reviewsPerDay ?? null,
    ],
  )
  return rows.length > 0
}

export async function deleteDeck(sql: Sql, id: string) {
  return (await sql(`delete from content.decks where id = $1 returning id`, [id])).length > 0
}

/** The deck must exist (RLS: only the user's own); `lock` makes concurrent adds to it wait their turn. */
export async function requireDeck(sql: Sql, id: string, lock = false) {
  const [row] = await sql(
    `select id from content.decks where id = $1${lock ? ' for update' : ''}`,
    [id],
  )
  if (!row) throw new ApiError('NOT_FOUND', 'No such deck')
}

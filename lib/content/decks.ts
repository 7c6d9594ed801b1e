import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import {
  copyPreset,
  type DeckOptions,
  type DeckOptionsRow,
  optionsOf,
  setOptions,
} from './deck-options'
import { STUDYABLE } from './today'

export type Deck = DeckOptions & {
  id: string
  name: string
  description: string
  sourceLang: string
  targetLang: string
  presetId: string | null
  cardCount: number
  leechCount: number
  newCount: number
  newTotal: number
  dueCount: number
  createdAt: Date
  updatedAt: Date
}
type DeckRow = DeckOptionsRow & {
  id: string
  name: string
  description: string
  source_lang: string
  target_lang: string
  preset_id: string | null
  card_count?: string | number
  leech_count?: string | number
  new_count?: string | number
  new_total?: string | number
  due_count?: string | number
  created_at: Date
  updated_at: Date
}
const toDeck = (r: DeckRow): Deck => ({
  id: r.id,
  name: r.name,
  description: r.description,
  sourceLang: r.source_lang,
  targetLang: r.target_lang,
  ...optionsOf(r),
  presetId: r.preset_id,
  cardCount: Number(r.card_count ?? 0),
  leechCount: Number(r.leech_count ?? 0),
  newCount: Number(r.new_count ?? 0),
  newTotal: Number(r.new_total ?? 0),
  dueCount: Number(r.due_count ?? 0),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

// RLS limits every query to the transaction's user. newCount and dueCount are what today's limits let the
// learner study now (the study queue holds exactly these); newTotal counts every new card it could study.
const WITH_COUNTS = `with counts as (select * from content.today_counts($1, $2))
  select d.*, a.card_count, a.leech_count, a.new_total, k.new_count, k.due_count
  from content.decks d join counts k on k.id = d.id
  cross join lateral (select count(*) as card_count, count(*) filter (where 'leech' = any(c.tags)) as leech_count,
                             count(*) filter (where c.state = 0 and ${STUDYABLE}) as new_total
                      from content.cards c where c.deck_id = d.id) a`

/**
 * The learner's decks, at most `max` (the list: CONTENT_MAX_DECKS, the most they can make, so it needs no
 * pages); all of them without (the data export).
 */
export async function listDecks(sql: Sql, now: Date, max: number | null = null) {
  return (
    await sql<DeckRow>(`${WITH_COUNTS} order by d.created_at, d.id limit $3`, [now, null, max])
  ).map(toDeck)
}

/** Refuses (400) `adding` more decks past `max`; held until commit, so two at once cannot both pass. */
export async function makeDeckRoom(sql: Sql, adding: number, max: number) {
  await sql(
    `select pg_advisory_xact_lock(hashtextextended('content.decks:' || current_setting('app.user_id'), 0))`,
  )
  const [{ n }] = await sql<{ n: string }>(`select count(*) as n from content.decks`)
  if (Number(n) + adding > max)
    throw new ApiError(
      'BAD_REQUEST',
      `You can have at most ${max} decks; you have ${n}${adding > 1 ? ` and this adds ${adding}` : ''}`,
      { max, decks: Number(n), adding },
    )
}

export async function getDeck(sql: Sql, id: string, now: Date) {
  const [row] = await sql<DeckRow>(WITH_COUNTS, [now, id])
  return row ? toDeck(row) : null
}

export type DeckFields = Partial<DeckOptions> & {
  name: string
  description?: string
  sourceLang: string
  targetLang: string
  presetId?: string | null
}

/** A new deck: its options as given, else the defaults (retention and maximum interval: the learner's settings). */
export async function createDeck(sql: Sql, d: DeckFields) {
  const [row] = await sql<{ id: string }>(
    `insert into content.decks (name, description, source_lang, target_lang, desired_retention, maximum_interval)
     select $1, $2, $3, $4, coalesce(s.desired_retention, 0.9), coalesce(s.maximum_interval, 36500)
     from (select) one left join content.settings s on true returning id`,
    [d.name, d.description ?? '', d.sourceLang, d.targetLang],
  )
  await updateDeck(sql, row.id, { ...d, name: undefined })
  return row.id
}

/**
 * Changes the given fields. Options set here are the deck's own (it leaves its preset); `presetId` makes the
 * deck use that preset's options (null: keep them as its own).
 */
export async function updateDeck(sql: Sql, id: string, d: Partial<DeckFields>) {
  const options = setOptions(d, 6)
  const rows = await sql(
    `update content.decks set name = coalesce($2, name), description = coalesce($3, description), source_lang = coalesce($4, source_lang),
       target_lang = coalesce($5, target_lang)${options.set ? `, ${options.set}, preset_id = null` : ''}
     where id = $1 returning id`,
    [
      id,
      d.name ?? null,
      d.description ?? null,
      d.sourceLang ?? null,
      d.targetLang ?? null,
      ...options.params,
    ],
  )
  if (!rows.length) return false
  if (d.presetId) await copyPreset(sql, d.presetId, id)
  else if (d.presetId === null)
    await sql(`update content.decks set preset_id = null where id = $1`, [id])
  return true
}

export async function deleteDeck(sql: Sql, id: string) {
  return (await sql(`delete from content.decks where id = $1 returning id`, [id])).length > 0
}

/** The deck (its name) must exist (RLS: only the user’s own); `lock` makes concurrent adds to it wait their turn. */
export async function requireDeck(sql: Sql, id: string, lock = false) {
  const [row] = await sql<{ name: string }>(
    `select name from content.decks where id = $1${lock ? ' for update' : ''}`,
    [id],
  )
  if (!row) throw new ApiError('NOT_FOUND', 'No such deck')
  return row
}

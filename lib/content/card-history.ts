import type { Sql } from '../db/db'
import type { Card, CardChange } from './cards'
import { editCard } from './notes'
import type { CardLimits } from './schemas'

type Content = Required<Omit<CardChange, 'imageKey' | 'audioKey'>> & {
  imageKey: string | null
  audioKey: string | null
}
export type HistoryEntry = {
  id: string
  cardId: string
  change: string
  before: Content
  createdAt: Date
}
type HistoryRow = { id: string; card_id: string; change: string; before: Content; created_at: Date }
const toEntry = (r: HistoryRow): HistoryEntry => ({
  id: r.id,
  cardId: r.card_id,
  change: r.change,
  before: r.before,
  createdAt: r.created_at,
})

/** A card's recent changes, newest first, each with what it replaced. */
export async function cardHistory(sql: Sql, cardId: string, limit = 50): Promise<HistoryEntry[]> {
  const rows = await sql<HistoryRow>(
    `select * from content.card_history where card_id = $1 order by created_at desc, id limit $2`,
    [cardId, limit],
  )
  return rows.map(toEntry)
}

/** Every change to every card of the learner, oldest first (the data export). */
export async function allCardHistory(sql: Sql): Promise<HistoryEntry[]> {
  const rows = await sql<HistoryRow>(`select * from content.card_history order by created_at, id`)
  return rows.map(toEntry)
}

/**
 * Puts back what one change replaced; the restore is a change of its own, so it can be undone in turn. A front
 * or back goes back to the card's note (a cloze card's text is restored by editing its note).
 */
export async function restoreCard(
  sql: Sql,
  cardId: string,
  historyId: string,
  limits: CardLimits,
  now: Date,
): Promise<Card | null> {
  const [row] = await sql<{ before: Content }>(
    `select before from content.card_history where id = $1 and card_id = $2`,
    [historyId, cardId],
  )
  return row ? editCard(sql, cardId, row.before, limits, now, 'restore') : null
}

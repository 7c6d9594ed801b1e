import type { Sql } from '../db/db'
import { listDecks } from './decks'
import { allCardHistory } from './card-history'
import { type CardRow, toCard } from './cards'

/** The learner's content for their data export; media as links they can open while signed in. */
export async function exportContent(sql: Sql, now: Date) {
  const media = (key: string | null) => (key ? `/api/ai/media/${key}` : null)
  const cards = await sql<CardRow>(`select * from content.cards order by created_at, id`)
  return {
    decks: await listDecks(sql, now),
    cards: cards
      .map(toCard)
      .map((card) => ({ ...card, imageUrl: media(card.imageKey), audioUrl: media(card.audioKey) })),
    notes: await sql(
      `select id, deck_id, type, fields, created_at, updated_at from content.notes order by created_at, id`,
    ),
    cardHistory: await allCardHistory(sql),
    reviews: await sql(
      `select card_id, grade, duration_ms, reviewed_at, undone_at, state_before, state_after from content.reviews order by reviewed_at, id`,
    ),
    settings:
      (
        await sql(`select timezone, desired_retention, maximum_interval from content.settings`)
      )[0] ?? null,
  }
}

/** The media keys on the learner's cards that no other learner's card uses (safe to erase with them). */
export async function unsharedMedia(sql: Sql, userId: string) {
  const rows = await sql<{ key: string }>(
    `select distinct k as key from content.cards, unnest(array[image_key, audio_key]) k where k is not null`,
  )
  const shared = await sql<{ key: string }>(`select k as key from content.media_shared($1, $2) k`, [
    userId,
    rows.map((r) => r.key),
  ])
  const keep = new Set(shared.map((r) => r.key))
  return rows.map((r) => r.key).filter((k) => !keep.has(k))
}

import type { CardInput } from 'ts-fsrs'
import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import type { NoteFields, NoteType } from './note-types'

export type PackageCard = {
  id: string
  noteId: string
  ord: number
  tags: string[]
  imageKey: string | null
  audioKey: string | null
  suspended: boolean
  buried: boolean
  flag: number
  createdAt: Date
  fsrs: CardInput
}
export type PackageReview = {
  cardId: string
  grade: number
  durationMs: number
  before: CardInput
  after: CardInput
  at: Date
}
export type DeckPackage = {
  deck: { id: string; name: string; desiredRetention: number; createdAt: Date }
  notes: { id: string; type: NoteType; fields: NoteFields; createdAt: Date; updatedAt: Date }[]
  cards: PackageCard[]
  reviews: PackageReview[]
}

/** A deck with its notes (the oldest `limit`), their cards and the reviews not undone, for an Anki package. */
export async function deckPackage(sql: Sql, deckId: string, limit: number): Promise<DeckPackage> {
  const [deck] = await sql<{
    id: string
    name: string
    desired_retention: string
    created_at: Date
  }>(`select id, name, desired_retention, created_at from content.decks where id = $1`, [deckId])
  if (!deck) throw new ApiError('NOT_FOUND', 'No such deck')
  const notes = await sql<DeckPackage['notes'][number]>(
    `select id, type, fields, created_at as "createdAt", updated_at as "updatedAt" from content.notes
      where deck_id = $1 order by created_at, id limit $2`,
    [deckId, limit],
  )
  const cards = await sql<PackageCard>(
    `select id, note_id as "noteId", ord, tags, image_key as "imageKey", audio_key as "audioKey", suspended,
            coalesce(buried_until > now(), false) as buried, flag, created_at as "createdAt", fsrs
       from content.cards where note_id = any($1::uuid[]) order by created_at, id`,
    [notes.map((n) => n.id)],
  )
  const reviews = await sql<PackageReview>(
    `select card_id as "cardId", grade, duration_ms as "durationMs", state_before as before, state_after as after,
            reviewed_at as at
       from content.reviews where card_id = any($1::uuid[]) and undone_at is null order by reviewed_at, id`,
    [cards.map((c) => c.id)],
  )
  return {
    deck: {
      id: deck.id,
      name: deck.name,
      desiredRetention: Number(deck.desired_retention),
      createdAt: deck.created_at,
    },
    notes,
    cards,
    reviews,
  }
}

import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import { makeRoom } from './cards'
import {
  cardsOf,
  fieldsForType,
  NOTE_TYPES,
  type NoteFields,
  type NoteType,
  ordForType,
} from './note-types'
import { checkFields, editNote, type Note } from './notes'
import type { CardLimits } from './schemas'

export type TypeChange = { type: NoteType; fields?: NoteFields; confirm: boolean }

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`

/**
 * Gives a note another type, as Anki's Change Note Type: its fields are mapped (or given), each card becomes the
 * new type's card at the same place (ordForType) with its schedule and reviews, the new type's other cards are
 * added as new, and cards it no longer makes are deleted with their reviews — only with `confirm`, else a 409
 * that says how many would go. The note comes back with its cards.
 */
export async function changeNoteType(
  sql: Sql,
  note: Note,
  change: TypeChange,
  limits: CardLimits & { CONTENT_MAX_CARDS_PER_DECK: number },
  now: Date,
) {
  const { type } = change
  const fields = checkFields(
    limits,
    type,
    change.fields ?? fieldsForType(note.type, type, note.fields),
  )
  const made = new Set(cardsOf(type, fields).map((f) => f.ord))
  const moved = note.cards.map((c) => ({ ...c, ord: ordForType(note.type, type, c.ord) }))
  const kept = moved.filter((c) => c.ord !== null && made.has(c.ord)) as Note['cards']
  const gone = note.cards.filter((c) => !kept.some((k) => k.id === c.id)).map((c) => c.id)
  if (gone.length && !change.confirm) {
    const [{ n }] = await sql<{ n: string }>(
      `select count(*) as n from content.reviews where card_id = any($1::uuid[])`,
      [gone],
    )
    const what = `${plural(gone.length, 'card')} and ${plural(Number(n), 'review')}`
    throw new ApiError(
      'CONFLICT',
      `Changing to ${NOTE_TYPES[type].name} deletes ${what}: confirm to go ahead`,
      { cards: gone.length, reviews: Number(n) },
    )
  }
  await sql(`delete from content.cards where id = any($1::uuid[])`, [gone])
  await makeRoom(sql, note.deckId, made.size - kept.length, limits.CONTENT_MAX_CARDS_PER_DECK)
  for (const c of kept) await sql(`update content.cards set ord = $2 where id = $1`, [c.id, c.ord])
  await sql(`update content.notes set type = $2 where id = $1`, [note.id, type])
  // Tags of added cards come from a kept one; with none kept, from the note's first card.
  const tags = kept.length ? undefined : note.cards[0]?.tags
  return editNote(
    sql,
    { ...note, type, fields: {}, cards: kept },
    { fields, tags },
    limits,
    now,
    'type',
  )
}

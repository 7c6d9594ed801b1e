import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import { issuesOf } from '../validate'
import {
  type Card,
  type CardChange,
  type CardFields,
  type CardRow,
  getCard,
  insertCards,
  toCard,
  updateCard,
} from './cards'
import { cardsOf, fieldsOfFaces, type NoteFields, type NoteType } from './note-types'
import { type CardLimits, cardSchemas } from './schemas'

export type Note = {
  id: string
  deckId: string
  type: NoteType
  fields: NoteFields
  createdAt: Date
  updatedAt: Date
  cards: Card[]
}
/** A note to add; `card` holds what each of its cards starts with beyond its faces (tags, notes, examples). */
export type NoteInput = { type: NoteType; fields: NoteFields; card?: Omit<CardFields, 'front'> }

type NoteRow = {
  id: string
  deck_id: string
  type: NoteType
  fields: NoteFields
  created_at: Date
  updated_at: Date
}
const toNote = (r: NoteRow, cards: Card[]): Note => ({
  id: r.id,
  deckId: r.deck_id,
  type: r.type,
  fields: r.fields,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  cards,
})

const byNote = (cards: Card[]) => {
  const map = new Map<string, Card[]>()
  for (const c of cards) map.set(c.noteId, [...(map.get(c.noteId) ?? []), c])
  return map
}

/** How many cards these notes make (what a deck's card limit counts). */
export const cardCount = (notes: NoteInput[]) =>
  notes.reduce((n, x) => n + cardsOf(x.type, x.fields).length, 0)

/** What the card API adds: each card is a Basic note's one card. */
export const basicNotes = (cards: CardFields[]): NoteInput[] =>
  cards.map(({ front, back, ...card }) => ({
    type: 'basic',
    fields: { front, back: back ?? '' },
    card,
  }))

/** Adds notes with their cards, in order (two statements for any number of notes). */
export async function addNotes(sql: Sql, deckId: string, notes: NoteInput[], now: Date) {
  const ids = notes.map(() => crypto.randomUUID())
  const rows = await sql<NoteRow>(
    `insert into content.notes (id, deck_id, type, fields, created_at)
     select x.id, $1, x.type, x.fields, $3::timestamptz + x.n * interval '1 millisecond'
     from rows from (jsonb_to_recordset($2::jsonb) as (id uuid, type text, fields jsonb)) with ordinality as x(id, type, fields, n)
     returning *`,
    [deckId, JSON.stringify(notes.map((n, i) => ({ id: ids[i], ...n }))), now],
  )
  const cards = await insertCards(
    sql,
    deckId,
    notes.flatMap((n, i) =>
      cardsOf(n.type, n.fields).map((f) => ({ ...n.card, ...f, noteId: ids[i] })),
    ),
    now,
  )
  const grouped = byNote(cards)
  return rows // created_at steps by a millisecond per note: the order they came in
    .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
    .map((r) => toNote(r, grouped.get(r.id) ?? []))
}

export async function getNote(sql: Sql, id: string, lock = false): Promise<Note | null> {
  const [row] = await sql<NoteRow>(
    `select * from content.notes where id = $1${lock ? ' for update' : ''}`,
    [id],
  )
  if (!row) return null
  const cards = await sql<CardRow>(`select * from content.cards where note_id = $1 order by ord`, [
    id,
  ])
  return toNote(row, cards.map(toCard))
}

/** A deck's notes with their cards, oldest first; keyset pages on (created_at, id). */
export async function listNotes(
  sql: Sql,
  deckId: string,
  o: { after?: { at: Date; id: string }; limit: number },
) {
  const rows = await sql<NoteRow>(
    `select * from content.notes where deck_id = $1 and ($2::timestamptz is null or (created_at, id) > ($2, $3::uuid))
     order by created_at, id limit $4`,
    [deckId, o.after?.at ?? null, o.after?.id ?? null, o.limit],
  )
  const cards = byNote(
    (
      await sql<CardRow>(
        `select * from content.cards where note_id = any($1::uuid[]) order by ord`,
        [rows.map((r) => r.id)],
      )
    ).map(toCard),
  )
  return rows.map((r) => toNote(r, cards.get(r.id as string) ?? []))
}

/** The note's fields checked against its type (the same rules as when it was added). */
export function checkFields(limits: CardLimits, type: NoteType, fields: NoteFields): NoteFields {
  const parsed = cardSchemas(limits).fields[type].safeParse(fields)
  if (!parsed.success)
    throw new ApiError('BAD_REQUEST', 'Some fields need a change: see details', {
      issues: issuesOf(parsed.error).map((i) => ({ ...i, path: `fields.${i.path}` })),
    })
  return parsed.data as NoteFields
}

export type NoteEdit = {
  fields?: NoteFields
  tags?: string[]
  /** Delete the cards the new fields no longer make (with their reviews); else they are kept as empty. */
  removeEmptyCards?: boolean
  /** Other changes to one of the note's cards, made with its new faces (one history entry for the card). */
  card?: { id: string; change: CardChange }
}

/**
 * Changes a note's fields and makes its cards agree: a card the fields still make gets its new faces (its
 * history keeps the old ones); a card they newly make is added, as new; a card they no longer make (a cloze
 * number taken out) is kept, marked empty and out of the queue, unless `removeEmptyCards` — as Anki keeps
 * such cards until "Empty Cards" deletes them. Writing that cloze number again brings the card back with its
 * schedule. `tags` go to every card of the note.
 */
export async function editNote(
  sql: Sql,
  note: Note,
  edit: NoteEdit,
  limits: CardLimits,
  now: Date,
  change = 'edit',
) {
  const fields = edit.fields
    ? checkFields(limits, note.type, { ...note.fields, ...edit.fields })
    : note.fields
  const faces = cardsOf(note.type, fields)
  const tags = edit.tags ?? note.cards[0]?.tags
  for (const card of note.cards) {
    const face = faces.find((f) => f.ord === card.ord)
    const extra = edit.card?.id === card.id ? edit.card.change : {}
    if (face) {
      await updateCard(
        sql,
        card.id,
        { ...extra, front: face.front, back: face.back, ...(edit.tags ? { tags } : {}) },
        change,
      )
      if (card.empty) await sql(`update content.cards set empty = false where id = $1`, [card.id])
    } else if (edit.removeEmptyCards)
      await sql(`delete from content.cards where id = $1`, [card.id])
    else {
      if (edit.tags) await updateCard(sql, card.id, { tags }, change)
      if (!card.empty) await sql(`update content.cards set empty = true where id = $1`, [card.id])
    }
  }
  const have = new Set(note.cards.map((c) => c.ord))
  const added = faces.filter((f) => !have.has(f.ord))
  if (added.length)
    await insertCards(
      sql,
      note.deckId,
      added.map((f) => ({ ...f, tags, noteId: note.id })),
      now,
    )
  await sql(`update content.notes set fields = $2 where id = $1`, [note.id, JSON.stringify(fields)])
  return getNote(sql, note.id)
}

/**
 * A change made to one card through the card API: its front or back is a field of its note (the other cards
 * of the note follow); a cloze card's text is the note's, so it is edited there.
 */
export async function editCard(
  sql: Sql,
  id: string,
  change: CardChange,
  limits: CardLimits,
  now: Date,
  name = 'edit',
): Promise<Card | null> {
  const card = await getCard(sql, id, true)
  if (!card) return null
  const { front, back, ...rest } = change
  const faces = {
    ...(front !== undefined && front !== card.front ? { front } : {}),
    ...(back !== undefined && back !== card.back ? { back } : {}),
  }
  if (!Object.keys(faces).length) return updateCard(sql, id, rest, name)
  const note = await getNote(sql, card.noteId, true)
  if (!note) return null // gone with its card
  const fields = fieldsOfFaces(note.type, card.ord, faces)
  if (!fields)
    throw new ApiError('BAD_REQUEST', 'A cloze card’s text comes from its note: edit the note', {
      noteId: note.id,
    })
  await editNote(sql, note, { fields, card: { id, change: rest } }, limits, now, name)
  return getCard(sql, id)
}

export async function deleteNote(sql: Sql, id: string) {
  return (await sql(`delete from content.notes where id = $1 returning id`, [id])).length > 0
}

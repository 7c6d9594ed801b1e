import { replay } from '../anki/memory'
import type { Plan } from '../anki/map'
import type { Sql } from '../db/db'
import { createDeck } from './decks'
import { cardsOf } from './note-types'

const BATCH = 2000

type Rows = ReturnType<typeof importRows>

/**
 * The rows a planned import writes, made before its transaction: each card's memory state replayed from its
 * history (lib/anki/memory.ts), that history as reviews. `mediaKeys` maps package media names to stored keys.
 */
export function importRows(plan: Plan, o: { mediaKeys: Map<string, string>; now: Date }) {
  const notes = []
  const cards = []
  const reviews: ({ deck: string } & Record<string, unknown>)[] = []
  for (const n of plan.notes) {
    const note = { id: crypto.randomUUID(), deck: n.deck, type: n.type, fields: n.fields }
    notes.push(note)
    const faces = new Map(cardsOf(n.type, n.fields).map((f) => [f.ord, f]))
    for (const c of n.cards) {
      const id = crypto.randomUUID()
      const { card, steps } = replay(c.reviews, o.now)
      cards.push({
        id,
        note_id: note.id,
        deck: n.deck,
        ord: c.ord,
        front: faces.get(c.ord)?.front,
        back: faces.get(c.ord)?.back ?? '',
        tags: n.tags,
        image_key: n.image ? (o.mediaKeys.get(n.image) ?? null) : null,
        audio_key: n.audio ? (o.mediaKeys.get(n.audio) ?? null) : null,
        fsrs: card,
        due: card.due,
        state: card.state,
        suspended: c.suspended,
        version: steps.length,
      })
      steps.forEach((s, v) =>
        reviews.push({
          card_id: id,
          deck: n.deck,
          grade: c.reviews[v].grade,
          duration_ms: c.reviews[v].durationMs,
          was_new: v === 0,
          state_before: s.before,
          state_after: s.after,
          version_before: v,
          reviewed_at: new Date(c.reviews[v].at),
        }),
      )
    }
  }
  return { notes, cards, reviews }
}

/** Writes the rows inside the caller's transaction: a deck per Anki deck name, then notes, cards, reviews. */
export async function commitImport(sql: Sql, rows: Rows, now: Date) {
  const deckIds = new Map<string, string>()
  for (const name of new Set(rows.notes.map((n) => n.deck)))
    deckIds.set(
      name,
      await createDeck(sql, { name: name.slice(0, 200), sourceLang: 'en', targetLang: 'en' }),
    )
  const withDeck = <T extends { deck: string }>(xs: T[]) =>
    xs.map(({ deck, ...x }) => ({ ...x, deck_id: deckIds.get(deck) }))
  for (let i = 0; i < rows.notes.length; i += BATCH)
    await sql(
      // created_at steps by a millisecond per note and card, so the decks keep Anki's order
      `insert into content.notes (id, deck_id, type, fields, created_at)
       select x.id, x.deck_id, x.type, x.fields, $2::timestamptz + ($3 + x.n) * interval '1 millisecond'
       from rows from (jsonb_to_recordset($1::jsonb) as (id uuid, deck_id uuid, type text, fields jsonb)) with ordinality as x(id, deck_id, type, fields, n)`,
      [JSON.stringify(withDeck(rows.notes.slice(i, i + BATCH))), now, i],
    )
  for (let i = 0; i < rows.cards.length; i += BATCH)
    await sql(
      `insert into content.cards (id, note_id, deck_id, ord, front, back, tags, image_key, audio_key, fsrs, due, state, suspended, version, created_at)
       select x.id, x.note_id, x.deck_id, x.ord, x.front, x.back, array(select jsonb_array_elements_text(x.tags)), x.image_key, x.audio_key,
              x.fsrs, x.due, x.state, x.suspended, x.version, $2::timestamptz + ($3 + x.n) * interval '1 millisecond'
       from rows from (jsonb_to_recordset($1::jsonb) as (id uuid, note_id uuid, deck_id uuid, ord smallint, front text, back text, tags jsonb,
              image_key text, audio_key text, fsrs jsonb, due timestamptz, state smallint, suspended boolean, version int))
            with ordinality as x(id, note_id, deck_id, ord, front, back, tags, image_key, audio_key, fsrs, due, state, suspended, version, n)`,
      [JSON.stringify(withDeck(rows.cards.slice(i, i + BATCH))), now, i],
    )
  for (let i = 0; i < rows.reviews.length; i += BATCH)
    await sql(
      `insert into content.reviews (card_id, deck_id, grade, duration_ms, was_new, state_before, state_after, version_before, reviewed_at)
       select * from jsonb_to_recordset($1::jsonb) as (card_id uuid, deck_id uuid, grade smallint, duration_ms int, was_new boolean,
         state_before jsonb, state_after jsonb, version_before int, reviewed_at timestamptz)`,
      [JSON.stringify(withDeck(rows.reviews.slice(i, i + BATCH)))],
    )
}

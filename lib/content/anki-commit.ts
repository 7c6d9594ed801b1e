import { replay } from '../anki/memory'
import type { Plan, PlannedNote } from '../anki/map'
import type { Sql } from '../db/db'
import { createDeck } from './decks'
import { IMPORT_YIELD_EVERY } from './limits'
import { cardsOf } from './note-types'
import { yieldToEventLoop } from '../yield'

// Notes per round of inserts: rows are made and written a batch at a time, so only one batch is ever held. A
// batch also ends at BATCH_REVIEWS reviews: its JSON is made in one synchronous call (about 10 ms for 500 notes
// with 1,250 reviews), which a long history would stretch.
const BATCH = 500
const BATCH_REVIEWS = 5000

type Rows = { notes: object[]; cards: object[]; reviews: object[] }
const noRows = (): Rows => ({ notes: [], cards: [], reviews: [] })

/**
 * Writes a planned import inside the caller's transaction: a deck per Anki deck name, then notes, cards
 * (each card's memory state replayed from its history, lib/anki/memory.ts) and that history as reviews.
 * `mediaKeys` maps package media names to stored keys. Gives the event loop back every IMPORT_YIELD_EVERY
 * notes, so the role's other requests are served while a large collection replays.
 */
export async function commitImport(
  sql: Sql,
  plan: Plan,
  o: { mediaKeys: Map<string, string>; now: Date },
) {
  const deckIds = new Map<string, string>()
  for (const d of plan.summary.decks)
    deckIds.set(d.name, await createDeck(sql, { name: d.name, sourceLang: 'en', targetLang: 'en' }))
  const at = { notes: 0, cards: 0 } // created_at steps by 1 ms per note and card: decks keep Anki's order
  let rows = noRows()
  let reviews = 0
  const write = async () => {
    await insertRows(sql, rows, o.now, at)
    at.notes += rows.notes.length
    at.cards += rows.cards.length
    rows = noRows()
    reviews = 0
  }
  for (const n of plan.notes()) {
    addRows(rows, n, deckIds, o)
    if (rows.notes.length % IMPORT_YIELD_EVERY === 0) await yieldToEventLoop()
    reviews += n.cards.reduce((sum, c) => sum + c.reviews.length, 0)
    if (rows.notes.length === BATCH || reviews >= BATCH_REVIEWS) await write()
  }
  if (rows.notes.length) await write()
}

/** A planned note's rows: ids, each card's replayed memory state, its reviews (per card). */
function addRows(
  rows: Rows,
  n: PlannedNote,
  deckIds: Map<string, string>,
  o: { mediaKeys: Map<string, string>; now: Date },
) {
  const deck_id = deckIds.get(n.deck)
  const note = { id: crypto.randomUUID(), deck_id, type: n.type, fields: n.fields }
  rows.notes.push(note)
  const faces = new Map(cardsOf(n.type, n.fields).map((f) => [f.ord, f]))
  for (const c of n.cards) {
    const id = crypto.randomUUID()
    const { card, steps } = replay(c.reviews, o.now)
    rows.cards.push({
      id,
      note_id: note.id,
      deck_id,
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
    // A card's states once each (a review's state before is the one after the review before it).
    if (steps.length)
      rows.reviews.push({
        card_id: id,
        deck_id,
        states: [steps[0].before, ...steps.map((s) => s.after)],
        reviews: c.reviews.map((r) => [r.grade, r.durationMs, new Date(r.at)]),
      })
  }
}

/** One statement per table for the whole batch: the rows travel as one JSON array each. */
async function insertRows(sql: Sql, rows: Rows, now: Date, at: { notes: number; cards: number }) {
  await sql(
    `insert into content.notes (id, deck_id, type, fields, created_at)
     select x.id, x.deck_id, x.type, x.fields, $2::timestamptz + ($3 + x.n) * interval '1 millisecond'
     from rows from (jsonb_to_recordset($1::jsonb) as (id uuid, deck_id uuid, type text, fields jsonb)) with ordinality as x(id, deck_id, type, fields, n)`,
    [JSON.stringify(rows.notes), now, at.notes],
  )
  await sql(
    `insert into content.cards (id, note_id, deck_id, ord, front, back, tags, image_key, audio_key, fsrs, due, state, suspended, version, created_at)
     select x.id, x.note_id, x.deck_id, x.ord, x.front, x.back, array(select jsonb_array_elements_text(x.tags)), x.image_key, x.audio_key,
            x.fsrs, x.due, x.state, x.suspended, x.version, $2::timestamptz + ($3 + x.n) * interval '1 millisecond'
     from rows from (jsonb_to_recordset($1::jsonb) as (id uuid, note_id uuid, deck_id uuid, ord smallint, front text, back text, tags jsonb,
            image_key text, audio_key text, fsrs jsonb, due timestamptz, state smallint, suspended boolean, version int))
          with ordinality as x(id, note_id, deck_id, ord, front, back, tags, image_key, audio_key, fsrs, due, state, suspended, version, n)`,
    [JSON.stringify(rows.cards), now, at.cards],
  )
  if (rows.reviews.length)
    await sql(
      `insert into content.reviews (card_id, deck_id, grade, duration_ms, was_new, state_before, state_after, version_before, reviewed_at)
       select c.card_id, c.deck_id, (r.x->>0)::smallint, (r.x->>1)::int, r.v = 1, c.states->(r.v::int - 1), c.states->(r.v::int),
              r.v::int - 1, (r.x->>2)::timestamptz
       from jsonb_to_recordset($1::jsonb) as c(card_id uuid, deck_id uuid, states jsonb, reviews jsonb),
            jsonb_array_elements(c.reviews) with ordinality as r(x, v)`,
      [JSON.stringify(rows.reviews)],
    )
}

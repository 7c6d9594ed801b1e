import { type Card as FsrsCard, type FSRS, fsrs, generatorParameters, Rating } from 'ts-fsrs'
import { cached } from '../cached'
import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import { type Card, type CardRow, toCard } from './cards'
import type { DeckOptions } from './deck-options'
import type { NoteFields, NoteType } from './note-types'
import { type Optimisation, optimisation, WEIGHTS_IN_USE } from './fsrs-weights'
import { TZ } from './today'

export type Settings = { timezone: string; desiredRetention: number; maximumInterval: number }

/** The learner's settings, with the figures of their FSRS optimisation (null before the first). */
export async function studySettings(
  sql: Sql,
): Promise<Settings & { optimisation: Optimisation | null }> {
  await sql(`insert into content.settings default values on conflict do nothing`)
  const [r] = await sql<{ timezone: string; desired_retention: string; maximum_interval: number }>(
    `select * from content.settings`,
  )
  return {
    timezone: r.timezone,
    desiredRetention: Number(r.desired_retention),
    maximumInterval: r.maximum_interval,
    optimisation: await optimisation(sql),
  }
}

/** Retention and maximum interval set here apply to every deck and preset (deck options refine them later). */
export async function updateStudySettings(sql: Sql, s: Partial<Settings>) {
  await studySettings(sql)
  const params = [s.timezone ?? null, s.desiredRetention ?? null, s.maximumInterval ?? null]
  await sql(
    `update content.settings set timezone = coalesce($1, timezone), desired_retention = coalesce($2, desired_retention),
       maximum_interval = coalesce($3, maximum_interval), updated_at = now()`,
    params,
  )
  if (s.desiredRetention !== undefined || s.maximumInterval !== undefined)
    for (const table of ['decks', 'deck_presets'])
      await sql(
        `update content.${table} set desired_retention = coalesce($1, desired_retention), maximum_interval = coalesce($2, maximum_interval)`,
        params.slice(1),
      )
  return studySettings(sql)
}

/**
 * A deck's scheduling options, as its rows carry them (desired_retention, maximum_interval), and the learner's
 * fitted FSRS weights where they predict better than the defaults (WEIGHTS_IN_USE).
 */
type Scheduling = {
  desired_retention: string | number
  maximum_interval: number
  weights?: number[] | null
}
/** A study queue's row: the card with its deck's scheduling options and autoplay. */
export type QueueRow = CardRow &
  Scheduling & { autoplay: boolean; note_type: NoteType; note_fields: NoteFields }
const schedulers = new Map<string, FSRS>()
// Fuzz off: the same history always gives the same intervals (and tests can compare with ts-fsrs).
// Only default-weight schedulers are cached: fitted weights are one learner's, and cheap to build.
function scheduler(s: Scheduling) {
  const make = () =>
    fsrs(
      generatorParameters({
        request_retention: Number(s.desired_retention),
        maximum_interval: s.maximum_interval,
        enable_fuzz: false,
        ...(s.weights ? { w: s.weights } : {}),
      }),
    )
  if (s.weights) return make()
  return cached(schedulers, `${s.desired_retention}/${s.maximum_interval}`, make)
}

const GRADES = {
  again: Rating.Again,
  hard: Rating.Hard,
  good: Rating.Good,
  easy: Rating.Easy,
} as const
export type GradeName = keyof typeof GRADES

/**
 * Queue rows (cards with their deck's options and their note's `note_type` and `note_fields`, which render
 * them) as cards with each grade's next interval, shown before the answer.
 */
export function withIntervals(rows: QueueRow[], now: Date) {
  return rows.map((r) => {
    const preview = scheduler(r).repeat(r.fsrs, now)
    const intervals = Object.fromEntries(
      Object.entries(GRADES).map(([name, rating]) => {
        const due = preview[rating].card.due
        return [name, { due, seconds: Math.round((due.getTime() - now.getTime()) / 1000) }]
      }),
    )
    const note = { type: r.note_type, fields: r.note_fields }
    // Not a spread: V8 copies an object of this many properties through a slow path whose copies it promotes
    // at once, so each queue made the next young-generation collections ms long (bench/due-queue.ts's tail).
    return Object.assign(toCard(r), { note, autoplay: r.autoplay, intervals })
  })
}

/**
 * Due reviews, then new cards, per deck within what is left of today's limits, and how many that is in all
 * (`total`, the sum of the decks' due and new counts; `cards` stops at `limit`): content.due_queue (migration
 * 0031) picks and counts them from the decks' due and new indexes alone and reads whole only the cards it
 * returns, with their notes. Suspended and buried cards wait. Where the deck buries siblings, one card per note
 * comes (the first in queue order); grading it buries the others until the next day, so `cards` may hold fewer
 * than `total` counts.
 */
export async function dueQueue(sql: Sql, o: { deckId?: string; now: Date; limit: number }) {
  const rows = await sql<QueueRow & { total: string }>(
    `select (q.card).*, q.desired_retention, q.maximum_interval, ${WEIGHTS_IN_USE}, q.autoplay, q.note_type, q.note_fields, q.total
     from content.due_queue($1, $2, $3) q`,
    [o.now, o.deckId ?? null, o.limit],
  )
  // Any count makes a card to show, so no row means a total of 0.
  return { cards: withIntervals(rows, o.now), total: Number(rows[0]?.total ?? 0) }
}

// Midnight in the learner's time zone: today's start ($1 now), or the next day's with `+ interval '1 day'`.
const DAY_START = (plus = '') =>
  `(date_trunc('day', $1::timestamptz at time zone tz.name)${plus}) at time zone tz.name`

/**
 * The siblings of `cardId` wait for the next day while any other card of their note was studied today (reviews
 * not undone), where the deck buries siblings; otherwise they are free. Run after every grade and undo.
 */
async function burySiblings(sql: Sql, cardId: string, now: Date) {
  await sql(
    `with ${TZ}
     update content.cards s set sibling_buried_until = case when d.bury_siblings and exists (
         select 1 from content.reviews r join content.cards o on o.id = r.card_id
         where o.note_id = s.note_id and o.id <> s.id and r.undone_at is null and r.reviewed_at >= ${DAY_START()})
       then ${DAY_START(" + interval '1 day'")} end
     from tz, content.cards me, content.decks d
     where me.id = $2 and s.note_id = me.note_id and s.id <> me.id and d.id = s.deck_id`,
    [now, cardId],
  )
}

/**
 * A leech, as in Anki: the lapse that reaches the deck's threshold, and every half threshold after it.
 * Only a grade that adds a lapse can make one.
 */
export function becomesLeech(lapsesBefore: number, lapsesAfter: number, threshold: number) {
  if (lapsesAfter <= lapsesBefore || lapsesAfter < threshold) return false
  return (lapsesAfter - threshold) % Math.max(1, Math.ceil(threshold / 2)) === 0
}

/**
 * Grades a card. `version` is the state the learner saw: a second grade of the same state (another tab)
 * finds a newer version and is refused, so one review is recorded, not two. A card that becomes a leech is
 * tagged `leech` and, if its deck says so, suspended; the answer's `leech` tells the study screen.
 */
export async function gradeCard(
  sql: Sql,
  o: { cardId: string; grade: GradeName; version: number; durationMs: number; now: Date },
): Promise<Card & { leech: boolean }> {
  const [row] = await sql<
    CardRow & Scheduling & { leech_threshold: number; leech_action: DeckOptions['leechAction'] }
  >(
    `select c.*, d.desired_retention, d.maximum_interval, ${WEIGHTS_IN_USE}, d.leech_threshold, d.leech_action
     from content.cards c join content.decks d on d.id = c.deck_id where c.id = $1 for update of c`,
    [o.cardId],
  )
  if (!row) throw new ApiError('NOT_FOUND', 'No such card')
  if (row.version !== o.version)
    throw new ApiError('CONFLICT', 'This card was already graded; reload the queue', {
      version: row.version,
    })
  const next = scheduler(row).next(row.fsrs, o.now, GRADES[o.grade]).card
  const leech = becomesLeech(row.fsrs.lapses ?? 0, next.lapses, row.leech_threshold)
  const [updated] = await sql<CardRow>(
    `update content.cards set fsrs = $2, due = $3, state = $4, version = version + 1,
       tags = case when $5 and not 'leech' = any(tags) then tags || '{leech}'::text[] else tags end,
       suspended = suspended or ($5 and $6 = 'suspend')
     where id = $1 returning *`,
    [
      o.cardId,
      JSON.stringify(next satisfies FsrsCard),
      next.due,
      next.state,
      leech,
      row.leech_action,
    ],
  )
  await sql(
    `insert into content.reviews (card_id, deck_id, grade, duration_ms, was_new, state_before, state_after, version_before, reviewed_at, leeched)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      o.cardId,
      row.deck_id,
      GRADES[o.grade],
      o.durationMs,
      row.state === 0,
      JSON.stringify(row.fsrs),
      JSON.stringify(next),
      row.version,
      o.now,
      leech,
    ],
  )
  await burySiblings(sql, o.cardId, o.now)
  return { ...toCard(updated), leech }
}

/** Undoes the user's last review: the card gets back its exact earlier FSRS state (and loses a leech mark it made). */
export async function undoLastReview(sql: Sql, now: Date) {
  const [last] = await sql<{
    id: string
    card_id: string
    state_before: FsrsCard & { due: string }
    leeched: boolean
  }>(
    `select * from content.reviews where undone_at is null order by reviewed_at desc, id desc limit 1 for update`,
  )
  if (!last) throw new ApiError('NOT_FOUND', 'Nothing to undo')
  await sql(`update content.reviews set undone_at = $2 where id = $1`, [last.id, now])
  const before = last.state_before
  const [card] = await sql<CardRow>(
    `update content.cards set fsrs = $2, due = $3, state = $4, version = version + 1,
       tags = case when $5 then array_remove(tags, 'leech') else tags end, suspended = suspended and not $5
     where id = $1 returning *`,
    [last.card_id, JSON.stringify(before), before.due, before.state, last.leeched],
  )
  await burySiblings(sql, last.card_id, now)
  return card ? toCard(card) : null
}

import { type Card as FsrsCard, type FSRS, fsrs, generatorParameters, Rating } from 'ts-fsrs'
import { cached } from '../cached'
import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import { type Card, type CardRow, toCard } from './cards'
import type { DeckOptions } from './deck-options'
import { STUDYABLE, todayLimits } from './today'

export type Settings = { timezone: string; desiredRetention: number; maximumInterval: number }

export async function studySettings(sql: Sql): Promise<Settings> {
  await sql(`insert into content.settings default values on conflict do nothing`)
  const [r] = await sql<{ timezone: string; desired_retention: string; maximum_interval: number }>(
    `select * from content.settings`,
  )
  return {
    timezone: r.timezone,
    desiredRetention: Number(r.desired_retention),
    maximumInterval: r.maximum_interval,
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

/** A deck's scheduling options, as its rows carry them (desired_retention, maximum_interval). */
type Scheduling = { desired_retention: string | number; maximum_interval: number }
/** A study queue's row: the card with its deck's scheduling options and autoplay. */
export type QueueRow = CardRow & Scheduling & { autoplay: boolean }
const schedulers = new Map<string, FSRS>()
// Fuzz off: the same history always gives the same intervals (and tests can compare with ts-fsrs).
function scheduler(s: Scheduling) {
  const key = `${s.desired_retention}/${s.maximum_interval}`
  return cached(schedulers, key, () =>
    fsrs(
      generatorParameters({
        request_retention: Number(s.desired_retention),
        maximum_interval: s.maximum_interval,
        enable_fuzz: false,
      }),
    ),
  )
}

const GRADES = {
  again: Rating.Again,
  hard: Rating.Hard,
  good: Rating.Good,
  easy: Rating.Easy,
} as const
export type GradeName = keyof typeof GRADES

/** Queue rows (cards with their deck's options) as cards with each grade's next interval, shown before the answer. */
export function withIntervals(rows: QueueRow[], now: Date) {
  return rows.map((r) => {
    const preview = scheduler(r).repeat(r.fsrs, now)
    const intervals = Object.fromEntries(
      Object.entries(GRADES).map(([name, rating]) => {
        const due = preview[rating].card.due
        return [name, { due, seconds: Math.round((due.getTime() - now.getTime()) / 1000) }]
      }),
    )
    return { ...toCard(r), autoplay: r.autoplay, intervals }
  })
}

/**
 * Due reviews, then new cards, per deck within what is left of today's limits (lib/content/today.ts), and how
 * many that is in all (`total`, the sum of the decks' due and new counts; `cards` stops at `limit`). Each deck
 * is read through its (deck, due) and (deck, created) indexes, never scanned; suspended and buried cards wait.
 */
export async function dueQueue(sql: Sql, o: { deckId?: string; now: Date; limit: number }) {
  const rows = await sql<QueueRow>(
    `with ${todayLimits('$2')}
     select q.*, lim.desired_retention, lim.maximum_interval, lim.autoplay from (
       select c.* from lim cross join lateral (select * from content.cards c where c.deck_id = lim.id and c.state <> 0 and c.due <= $1
                                              and ${STUDYABLE} order by c.due, c.id limit least(lim.rev_left, $3)) c
       union all
       select c.* from lim cross join lateral (select * from content.cards c where c.deck_id = lim.id and c.state = 0
                                              and ${STUDYABLE} order by c.created_at, c.id limit least(lim.new_left, $3)) c
     ) q join lim on lim.id = q.deck_id order by (q.state = 0), q.due, q.id limit $3`,
    [o.now, o.deckId ?? null, o.limit],
  )
  const [{ total }] = await sql<{ total: string }>(
    `with ${todayLimits('$2')}
     select coalesce(sum(due_count + new_count), 0) as total from counts`,
    [o.now, o.deckId ?? null],
  )
  return { cards: withIntervals(rows, o.now), total: Number(total) }
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
    `select c.*, d.desired_retention, d.maximum_interval, d.leech_threshold, d.leech_action
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
  return card ? toCard(card) : null
}

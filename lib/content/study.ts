import {
  type Card as FsrsCard,
  type CardInput,
  fsrs,
  generatorParameters,
  type Grade,
  Rating,
} from 'ts-fsrs'
import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import { type Card, toCard } from './cards'
import { todayLimits } from './today'

export type Settings = { timezone: string; desiredRetention: number; maximumInterval: number }

export async function studySettings(sql: Sql): Promise<Settings> {
  await sql(`insert into content.settings default values on conflict do nothing`)
  const [r] = await sql<Record<string, any>>(`select * from content.settings`)
  return {
    timezone: r.timezone,
    desiredRetention: Number(r.desired_retention),
    maximumInterval: r.maximum_interval,
  }
}

export async function updateStudySettings(sql: Sql, s: Partial<Settings>) {
  await studySettings(sql)
  await sql(
    `update content.settings set timezone = coalesce($1, timezone), desired_retention = coalesce($2, desired_retention),
       maximum_interval = coalesce($3, maximum_interval), updated_at = now()`,
    [s.timezone ?? null, s.desiredRetention ?? null, s.maximumInterval ?? null],
  )
  return studySettings(sql)
}

// Fuzz off: the same history always gives the same intervals (and tests can compare with ts-fsrs).
const scheduler = (s: Settings) =>
  fsrs(
    generatorParameters({
      request_retention: s.desiredRetention,
      maximum_interval: s.maximumInterval,
      enable_fuzz: false,
    }),
  )

const GRADES = {
  again: Rating.Again,
  hard: Rating.Hard,
  good: Rating.Good,
  easy: Rating.Easy,
} as const
export type GradeName = keyof typeof GRADES

/** When each grade would bring the card back, shown before the answer. */
function intervals(s: Settings, state: CardInput, now: Date) {
  const preview = scheduler(s).repeat(state, now)
  return Object.fromEntries(
    Object.entries(GRADES).map(([name, rating]) => [
      name,
      {
        due: preview[rating as Grade].card.due,
        seconds: Math.round((preview[rating as Grade].card.due.getTime() - now.getTime()) / 1000),
      },
    ]),
  )
}

/**
 * Due reviews, then new cards, per deck within what is left of today's limits (lib/content/today.ts), and how
 * many that is in all (`total`, the sum of the decks' due and new counts; `cards` stops at `limit`). Each deck
 * is read through its (deck, due) and (deck, created) indexes, never scanned.
 */
export async function dueQueue(sql: Sql, o: { deckId?: string; now: Date; limit: number }) {
  const s = await studySettings(sql)
  const rows = await sql<Record<string, any>>(
    `with ${todayLimits('$2')}
     select q.* from (
       select c.* from lim cross join lateral (select * from content.cards c where c.deck_id = lim.id and c.state <> 0 and c.due <= $1
                                              order by c.due, c.id limit least(lim.rev_left, $3)) c
       union all
       select c.* from lim cross join lateral (select * from content.cards c where c.deck_id = lim.id and c.state = 0
                                              order by c.created_at, c.id limit least(lim.new_left, $3)) c
     ) q order by (q.state = 0), q.due, q.id limit $3`,
    [o.now, o.deckId ?? null, o.limit],
  )
  const [{ total }] = await sql<{ total: string }>(
    `with ${todayLimits('$2')}
     select coalesce(sum(due_count + new_count), 0) as total from counts`,
    [o.now, o.deckId ?? null],
  )
  return {
    cards: rows.map((r) => ({ ...toCard(r), intervals: intervals(s, r.fsrs, o.now) })),
    total: Number(total),
  }
}

/**
 * Grades a card. `version` is the state the learner saw: a second grade of the same state (another tab)
 * finds a newer version and is refused, so one review is recorded, not two.
 */
export async function gradeCard(
  sql: Sql,
  o: { cardId: string; grade: GradeName; version: number; durationMs: number; now: Date },
): Promise<Card> {
  const [row] = await sql<Record<string, any>>(
    `select * from content.cards where id = $1 for update`,
    [o.cardId],
  )
  if (!row) throw new ApiError('NOT_FOUND', 'No such card')
  if (row.version !== o.version)
    throw new ApiError('CONFLICT', 'This card was already graded; reload the queue', {
      version: row.version,
    })
  const s = await studySettings(sql)
  const next = scheduler(s).next(row.fsrs as CardInput, o.now, GRADES[o.grade] as Grade).card
  const [updated] = await sql(
    `update content.cards set fsrs = $2, due = $3, state = $4, version = version + 1 where id = $1 returning *`,
    [o.cardId, JSON.stringify(next satisfies FsrsCard), next.due, next.state],
  )
  await sql(
    `insert into content.reviews (card_id, deck_id, grade, duration_ms, was_new, state_before, state_after, version_before, reviewed_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
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
    ],
  )
  return toCard(updated)
}

/** Undoes the user's last review: the card gets back its exact earlier FSRS state. */
export async function undoLastReview(sql: Sql, now: Date) {
  const [last] = await sql<Record<string, any>>(
    `select * from content.reviews where undone_at is null order by reviewed_at desc, id desc limit 1 for update`,
  )
  if (!last) throw new ApiError('NOT_FOUND', 'Nothing to undo')
  await sql(`update content.reviews set undone_at = $2 where id = $1`, [last.id, now])
  const before = last.state_before as FsrsCard & { due: string }
  const [card] = await sql(
    `update content.cards set fsrs = $2, due = $3, state = $4, version = version + 1 where id = $1 returning *`,
    [last.card_id, JSON.stringify(before), before.due, before.state],
  )
  return card ? toCard(card) : null
}

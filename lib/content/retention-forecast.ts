import { default_w, S_MIN } from 'ts-fsrs'
import type { Sql } from '../db/db'
import { yieldToEventLoop } from '../yield'
import { WEIGHTS_IN_USE } from './fsrs-weights'
import {
  FORECAST_DAYS,
  FORECAST_GRADE_REVIEWS,
  FORECAST_GRADES_MIN,
  FORECAST_MAX_CARDS,
  FORECAST_MIN_CARDS,
  FORECAST_RETENTIONS,
} from './limits'
import {
  DEFAULT_GRADES,
  type Grades,
  type SimCard,
  simulateWorkload,
  type Workload,
} from './workload-simulation'

/** The answer of GET /api/decks/:id/retention-forecast. */
export type RetentionForecast = {
  /** Whose FSRS weights simulated the deck: the learner's fitted ones (in use), or ts-fsrs's defaults. */
  weights: 'fitted' | 'default'
  /** Whose grade frequencies: the learner's recent reviews, or Anki's simulator's defaults. */
  grades: 'learner' | 'default'
  desiredRetention: number
  /** The deck's cards (not suspended), and how many were simulated (a sample, or copies of a small deck). */
  cards: number
  simulated: number
  days: number
  forecast: { retention: number; reviewsPerDay: number; memorised: number }[]
}

const DAY = 86_400_000
// Cards the queue would show (suspended and empty ones never come back by themselves).
const COUNTED = `c.deck_id = $1 and not c.suspended and not c.empty`

/** How often the learner gave each grade to a new card and to a review they recalled, in their latest reviews. */
async function learnerGrades(sql: Sql): Promise<Grades | null> {
  const rows = await sql<{ was_new: boolean; grade: number; n: number }>(
    `select was_new, grade, count(*)::int as n from (
       select was_new, grade, state_before from content.reviews where undone_at is null
       order by reviewed_at desc limit $1) r
     where was_new or (grade > 1 and coalesce(state_before->>'state', '2') = '2')
     group by was_new, grade`,
    [FORECAST_GRADE_REVIEWS],
  )
  const count = (isNew: boolean, grades: number[]) =>
    grades.map((g) => rows.find((r) => r.was_new === isNew && r.grade === g)?.n ?? 0)
  const grades = { first: count(true, [1, 2, 3, 4]), recall: count(false, [2, 3, 4]) }
  const enough = (c: number[]) => c.reduce((a, b) => a + b, 0) >= FORECAST_GRADES_MIN
  return enough(grades.first) && enough(grades.recall) ? grades : null
}

/**
 * What a forecast of the deck simulates: its cards (a uniform sample beyond FORECAST_MAX_CARDS, the same each
 * time: by a hash of the id; copies up to FORECAST_MIN_CARDS), its daily limits, the learner's fitted weights if
 * the scheduler uses them and their grade frequencies once there are enough.
 * Null when the deck is not the learner's (RLS).
 */
export async function deckWorkload(sql: Sql, deckId: string, now: Date) {
  const [deck] = await sql<{
    new_per_day: number
    reviews_per_day: number
    maximum_interval: number
    desired_retention: string
    weights: number[] | null
    cards: string
  }>(
    `select d.new_per_day, d.reviews_per_day, d.maximum_interval, d.desired_retention, ${WEIGHTS_IN_USE},
       (select count(*) from content.cards c where ${COUNTED}) as cards
     from content.decks d where d.id = $1`,
    [deckId],
  )
  if (!deck) return null
  const rows = await sql<{
    stability: number | null
    difficulty: number | null
    last: Date | null
    due: Date
  }>(
    `select case when c.state <> 0 then (c.fsrs->>'stability')::float8 end as stability,
       (c.fsrs->>'difficulty')::float8 as difficulty, (c.fsrs->>'last_review')::timestamptz as last, c.due
     from content.cards c where ${COUNTED} order by md5(c.id::text) limit $2`,
    [deckId, FORECAST_MAX_CARDS],
  )
  const grades = await learnerGrades(sql)
  const days = (at: Date) => Math.round((at.getTime() - now.getTime()) / DAY)
  const cards: SimCard[] = rows.flatMap(({ stability, difficulty, last, due }) =>
    stability === null || stability < S_MIN
      ? [] // new (or never given a memory state): introduced as new
      : [
          {
            stability,
            difficulty: Math.min(10, Math.max(1, difficulty ?? 5)),
            daysSince: last ? Math.max(0, -days(last)) : 0,
            dueIn: Math.max(0, days(due)),
          },
        ],
  )
  // A small deck runs as several copies, each with its own draws: the average of a few cards' luck is not.
  const copies = rows.length ? Math.ceil(FORECAST_MIN_CARDS / rows.length) : 1
  const workload: Workload = {
    w: deck.weights ?? [...default_w],
    cards: Array.from({ length: copies }, () => cards).flat(),
    newCards: (rows.length - cards.length) * copies,
    newPerDay: deck.new_per_day,
    reviewsPerDay: deck.reviews_per_day,
    maximumInterval: deck.maximum_interval,
    days: FORECAST_DAYS,
    seed: 1,
    share: rows.length ? (rows.length * copies) / Number(deck.cards) : 1,
    grades: grades ?? DEFAULT_GRADES,
  }
  return {
    workload,
    weights: deck.weights ? ('fitted' as const) : ('default' as const),
    grades: grades ? ('learner' as const) : ('default' as const),
    desiredRetention: Number(deck.desired_retention),
    cards: Number(deck.cards),
  }
}

/**
 * Reviews a day and cards remembered at each FORECAST_RETENTIONS (and the deck's own retention, if outside
 * them). Yields to the event loop between retentions, so other requests run during the half second it takes.
 */
export async function forecastRetentions(workload: Workload, desiredRetention: number) {
  const retentions = FORECAST_RETENTIONS.includes(desiredRetention)
    ? FORECAST_RETENTIONS
    : [...FORECAST_RETENTIONS, desiredRetention].sort((a, b) => a - b)
  const rows = []
  for (const retention of retentions) {
    await yieldToEventLoop()
    const f = simulateWorkload(retention, workload)
    rows.push({
      retention,
      reviewsPerDay: Math.round(f.reviewsPerDay * 10) / 10,
      memorised: Math.round(f.memorised),
    })
  }
  return rows
}

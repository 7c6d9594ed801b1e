import type { Sql } from '../db/db'
import { studySettings } from './study'

const DAY = 86_400_000
const iso = (d: Date) => d.toISOString().slice(0, 10)

/** Current streak (ending today, or yesterday when today has none yet) and the longest, from study days. */
export function streaks(days: string[], today: string) {
  const set = new Set(days)
  const prev = (d: string) => iso(new Date(Date.parse(d) - DAY))
  let current = 0
  for (let d = set.has(today) ? today : prev(today); set.has(d); d = prev(d)) current++
  let longest = 0
  let run = 0
  let last = ''
  for (const d of [...set].sort()) {
    run = last && prev(d) === last ? run + 1 : 1
    longest = Math.max(longest, run)
    last = d
  }
  return { current, longest }
}

/**
 * The learner's stats, with days in their timezone: reviews per day for a year (heatmap), streaks, true
 * retention over 30 days (reviews of mature cards not answered "again"), cards by state, 30-day due forecast.
 */
export async function studyStats(sql: Sql, now: Date) {
  const { timezone: tz } = await studySettings(sql)
  const [{ today }] = await sql<{ today: string }>(
    `select to_char($1::timestamptz at time zone $2, 'YYYY-MM-DD') as today`,
    [now, tz],
  )
  const perDay = await sql<{ day: string; n: string }>(
    `select to_char(reviewed_at at time zone $2, 'YYYY-MM-DD') as day, count(*) as n from content.reviews
     where undone_at is null and reviewed_at >= $1::timestamptz - interval '366 days' group by 1 order by 1`,
    [now, tz],
  )
  const allDays = await sql<{ day: string }>(
    `select distinct to_char(reviewed_at at time zone $1, 'YYYY-MM-DD') as day from content.reviews where undone_at is null`,
    [tz],
  )
  const [ret] = await sql<{ total: string; passed: string }>(
    `select count(*) as total, count(*) filter (where grade > 1) as passed from content.reviews
     where undone_at is null and not was_new and (state_before->>'state')::int = 2 and reviewed_at >= $1::timestamptz - interval '30 days'`,
    [now],
  )
  const byState = await sql<{ state: number; n: string }>(
    `select state, count(*) as n from content.cards group by state`,
  )
  const forecast = await sql<{ day: string; n: string }>(
    `select to_char(greatest(due, $1::timestamptz) at time zone $2, 'YYYY-MM-DD') as day, count(*) as n from content.cards
     where state <> 0 and due < $1::timestamptz + interval '30 days' group by 1 order by 1`,
    [now, tz],
  )
  const names = ['new', 'learning', 'review', 'relearning']
  return {
    timezone: tz,
    today,
    reviewsPerDay: perDay.map((r) => ({ day: r.day, reviews: Number(r.n) })),
    streak: streaks(
      allDays.map((r) => r.day),
      today,
    ),
    retention30d: Number(ret.total) ? Number(ret.passed) / Number(ret.total) : null,
    cardsByState: Object.fromEntries(
      names.map((n, i) => [n, Number(byState.find((r) => r.state === i)?.n ?? 0)]),
    ),
    dueForecast: forecast.map((r) => ({ day: r.day, due: Number(r.n) })),
  }
}

/** Reviews and reviewing learners per UTC day across everyone (admin statistics), through the one definer function. */
export async function reviewsPerDay(sql: Sql, from: Date, to: Date) {
  const rows = await sql(
    `select to_char(day, 'YYYY-MM-DD') as day, reviews, learners from content.reviews_per_day($1, $2)`,
    [from, to],
  )
  return Object.fromEntries(
    rows.map((r) => [String(r.day), { reviews: Number(r.reviews), learners: Number(r.learners) }]),
  )
}

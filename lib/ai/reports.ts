import type { Sql } from '../db/db'

const n = (v: unknown) => Number(v ?? 0)
const DAY = `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')`

/** One user's AI calls and their cost (µ€) per UTC day and operation. */
export async function usageOf(sql: Sql, userId: string, from: Date, to: Date) {
  const rows = await sql(
    `select ${DAY} as day, operation, count(*) as calls, count(*) filter (where outcome <> 'ok') as failed, sum(cost) as cost
     from ai.requests where user_id = $1 and created_at >= $2 and created_at < $3 group by 1, 2 order by 1, 2`,
    [userId, from, to],
  )
  return rows.map((r) => ({
    day: String(r.day),
    operation: String(r.operation),
    calls: n(r.calls),
    failed: n(r.failed),
    cost: n(r.cost),
  }))
}

/** Every user's AI calls and cost per UTC day. */
export async function costPerDay(sql: Sql, from: Date, to: Date) {
  const rows = await sql(
    `select ${DAY} as day, count(*) as calls, sum(cost) as cost from ai.requests where created_at >= $1 and created_at < $2 group by 1`,
    [from, to],
  )
  return Object.fromEntries(
    rows.map((r) => [String(r.day), { calls: n(r.calls), cost: n(r.cost) }]),
  )
}

/** Calls and failures per provider since `since` (the operations panel's error rate). */
export async function outcomesSince(sql: Sql, since: Date) {
  const rows = await sql(
    `select plugin, count(*) as calls, count(*) filter (where outcome in ('failed', 'malformed')) as errors
     from ai.requests where created_at >= $1 and not cache_hit group by 1`,
    [since],
  )
  return Object.fromEntries(
    rows.map((r) => [String(r.plugin), { calls: n(r.calls), errors: n(r.errors) }]),
  )
}

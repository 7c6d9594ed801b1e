import type { Sql } from '../db/db'
import { byDay } from '../days'

const n = (v: unknown) => Number(v ?? 0)

/** What every account together holds back: pending micro-charges or open holds (scraped as gauges). */
export async function accountsTotal(sql: Sql, column: 'pending' | 'held') {
  const [r] = await sql<{ n: string }>(
    `select coalesce(sum(${column}), 0) as n from credit.accounts`,
  ) // one of two fixed names
  return n(r.n)
}

const TYPE = `case when comp_until > now() then comp_type else user_type end`
const TOTAL = `coalesce(payload->'data'->'details'->'totals'->>'grand_total', payload->'data'->'details'->'totals'->>'total')`

/**
 * Between `from` and `to`: users by plan now (paying ones by source: a Paddle subscription or a comp),
 * credits granted/purchased/spent/refunded per UTC day (µ€), revenue per day and currency (Paddle's completed
 * transactions, in the currency's minor units), and the top AI spenders.
 */
export async function adminStats(sql: Sql, from: Date, to: Date) {
  const byType = await sql(`select ${TYPE} as type, count(*) as n from credit.accounts group by 1`)
  const paying = await sql<Record<string, string>>(
    `select ${TYPE} as type, case when comp_until > now() then 'manual' else 'paddle' end as source, count(*) as n
     from credit.accounts where ${TYPE} <> 'free' group by 1, 2`,
  )
  const credits = await sql(
    `select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day,
            sum(amount) filter (where kind = 'grant') as granted, sum(amount) filter (where kind = 'purchase') as purchased,
            -sum(amount) filter (where kind = 'debit') as spent, sum(amount) filter (where kind = 'refund') as refunded
     from credit.transactions where created_at >= $1 and created_at < $2 group by 1`,
    [from, to],
  )
  const revenue = await sql<Record<string, string>>(
    `select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day, coalesce(payload->'data'->>'currency_code', '?') as currency,
            sum(case when ${TOTAL} ~ '^[0-9]{1,15}$' then (${TOTAL})::bigint else 0 end) as total
     from credit.paddle_events where event_type = 'transaction.completed' and occurred_at >= $1 and occurred_at < $2 group by 1, 2`,
    [from, to],
  )
  const top = await sql(
    `select user_id, -sum(amount) as spent from credit.transactions where kind = 'debit' and created_at >= $1 and created_at < $2
     group by user_id order by spent desc limit 10`,
    [from, to],
  )
  const payingByPlan: Record<string, Record<string, number>> = {}
  for (const r of paying) payingByPlan[r.type] = { ...payingByPlan[r.type], [r.source]: n(r.n) }
  const revenueByDay: Record<string, Record<string, number>> = {}
  for (const r of revenue)
    revenueByDay[r.day] = { ...revenueByDay[r.day], [r.currency]: n(r.total) }
  return {
    usersByType: Object.fromEntries(byType.map((r) => [r.type, n(r.n)])),
    payingByPlan,
    credits: byDay(credits, (r) => ({
      granted: n(r.granted),
      purchased: n(r.purchased),
      spent: n(r.spent),
      refunded: n(r.refunded),
    })),
    revenue: revenueByDay,
    topSpenders: top.map((r) => ({ userId: r.user_id, spent: n(r.spent) })),
  }
}

import type { Sql } from '../db/db'

const n = (v: unknown) => Number(v ?? 0)

/** What every account together holds back: pending micro-charges or open holds (scraped as gauges). */
export async function accountsTotal(sql: Sql, column: 'pending' | 'held') {
  const [r] = await sql<{ n: string }>(`select coalesce(sum(${column}), 0) as n from credit.accounts`) // one of two fixed names
  return n(r.n)
}

/** Users by type, active users, credits granted/purchased/spent per day and the top spenders since `since`. */
export async function adminStats(sql: Sql, since: Date) {
  const byType = await sql(`select user_type, count(*) as users from credit.accounts group by user_type order by user_type`)
  const [active] = await sql(`select count(distinct user_id) as users from credit.transactions where kind = 'debit' and created_at >= $1`, [since])
  const daily = await sql(
    `select to_char(date_trunc('day', created_at), 'YYYY-MM-DD') as day,
            sum(amount) filter (where kind = 'grant') as granted,
            sum(amount) filter (where kind = 'purchase') as purchased,
            -sum(amount) filter (where kind = 'debit') as spent
     from credit.transactions where created_at >= $1 group by 1 order by 1`,
    [since],
  )
  const top = await sql(
    `select user_id, -sum(amount) as spent from credit.transactions where kind = 'debit' and created_at >= $1
     group by user_id order by spent desc limit 10`,
    [since],
  )
  return {
    usersByType: Object.fromEntries(byType.map((r) => [r.user_type, n(r.users)])),
    activeUsers30d: n(active.users),
    daily: daily.map((r) => ({ day: String(r.day), granted: n(r.granted), purchased: n(r.purchased), spent: n(r.spent) })),
    topSpenders: top.map((r) => ({ userId: r.user_id, spent: n(r.spent) })),
  }
}

import { Hono } from 'hono'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import type { CreditEnv } from './shared'

const n = (v: unknown) => Number(v ?? 0)

/** Users by type, active users, credits granted/purchased/spent per day (30 days), top AI spenders. */
export default new Hono<CreditEnv>().get('/', requireUser({ roles: ['admin'] }), async (c) => {
  const since = new Date(c.var.now() - 30 * 86_400_000)
  const stats = await asService(c.var.db, async (sql) => {
    const byType = await sql(`select user_type, count(*) as users from credit.accounts group by user_type order by user_type`)
    const [active] = await sql(`select count(distinct user_id) as users from credit.transactions where kind = 'debit' and created_at >= $1`, [since])
    const daily = await sql(
      `select date_trunc('day', created_at)::date as day,
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
      daily: daily.map((r) => ({ day: String(r.day instanceof Date ? r.day.toISOString().slice(0, 10) : r.day), granted: n(r.granted), purchased: n(r.purchased), spent: n(r.spent) })),
      topSpenders: top.map((r) => ({ userId: r.user_id, spent: n(r.spent) })),
    }
  })
  return c.json(stats)
})

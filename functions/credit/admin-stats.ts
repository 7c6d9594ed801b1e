import { Hono } from 'hono'
import { adminStats } from '../../lib/credit/reports'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import type { CreditEnv } from './env'

/** Users by type, active users, credits granted/purchased/spent per day (30 days), top AI spenders. */
export default new Hono<CreditEnv>().get('/admin/stats', requireUser({ roles: ['admin'] }), async (c) => {
  const since = new Date(c.var.now() - 30 * 86_400_000)
  return c.json(await asService(c.var.db, (sql) => adminStats(sql, since)))
})

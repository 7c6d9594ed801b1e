import { Hono } from 'hono'
import { adminStats } from '../../lib/credit/reports'
import { DaysQuery, dayWindow } from '../../lib/days'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { validate } from '../../lib/validate'
import type { CreditEnv } from './env'

/** Users by plan, paying users by source, credits and revenue per UTC day, top AI spenders (one part of the admin statistics). */
export default new Hono<CreditEnv>().get(
  '/admin/stats',
  requireUser({ roles: ['admin'] }),
  validate('query', DaysQuery),
  async (c) => {
    const { from, to } = dayWindow(c.var.now(), c.req.valid('query').days)
    return c.json(await asService(c.var.db, (sql) => adminStats(sql, from, to)))
  },
)

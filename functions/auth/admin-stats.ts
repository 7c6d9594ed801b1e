import { Hono } from 'hono'
import { authStats } from '../../lib/auth/reports'
import { DaysQuery, dayWindow } from '../../lib/days'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'

/** Sign-ups and active learners per UTC day, and account totals (one part of the admin statistics). */
export default new Hono<AuthEnv>().get(
  '/auth/admin/stats',
  requireUser({ roles: ['admin'] }),
  validate('query', DaysQuery),
  async (c) => {
    const { from, to } = dayWindow(c.var.now(), c.req.valid('query').days)
    return c.json(await asService(c.var.db, (sql) => authStats(sql, from, to)))
  },
)

import { Hono } from 'hono'
import { costPerDay } from '../../lib/ai/reports'
import { DaysQuery, dayWindow } from '../../lib/days'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { validate } from '../../lib/validate'
import type { AiEnv } from './env'

/** AI calls and their cost per UTC day (one part of the admin statistics). */
export default new Hono<AiEnv>().get(
  '/ai/admin/stats',
  requireUser({ roles: ['admin'] }),
  validate('query', DaysQuery),
  async (c) => {
    const { from, to } = dayWindow(c.var.now(), c.req.valid('query').days)
    return c.json({ cost: await asService(c.var.db, (sql) => costPerDay(sql, from, to)) })
  },
)

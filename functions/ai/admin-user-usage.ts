import { Hono } from 'hono'
import { z } from 'zod'
import { usageOf } from '../../lib/ai/reports'
import { DaysQuery, dayWindow } from '../../lib/days'
import { asService } from '../../lib/db/tx'
import { UserId } from '../../lib/ids'
import { requireUser } from '../../lib/middleware/auth'
import { validate } from '../../lib/validate'
import type { AiEnv } from './env'

/** A person's AI calls and cost by UTC day and operation, for their admin page. */
export default new Hono<AiEnv>().get(
  '/ai/admin/users/:id/usage',
  requireUser({ roles: ['admin'] }),
  validate('param', z.object({ id: UserId })),
  validate('query', DaysQuery),
  async (c) => {
    const { from, to, days } = dayWindow(c.var.now(), c.req.valid('query').days)
    const usage = await asService(c.var.db, (sql) =>
      usageOf(sql, c.req.valid('param').id, from, to),
    )
    return c.json({ days, usage })
  },
)

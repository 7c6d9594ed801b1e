import { Hono } from 'hono'
import { studyStats } from '../../lib/content/stats'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'

/** Heatmap, streaks, retention, cards by state and the due forecast, for the signed-in learner. */
export default new Hono<BackendEnv>().get(
  '/api/stats',
  requireUser(),
  rateLimit('standard'),
  async (c) =>
    c.json(await asUser(c.var.db, c.var.user.id, (sql) => studyStats(sql, new Date(c.var.now())))),
)

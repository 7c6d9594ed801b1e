import { Hono } from 'hono'
import { undoLastReview } from '../../lib/content/study'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'

/** Undoes the last review: the card gets back its exact earlier state. */
export default new Hono<BackendEnv>().post(
  '/api/study/undo',
  requireUser(),
  rateLimit('standard'),
  async (c) => {
    const card = await asUser(c.var.db, c.var.user.id, (sql) =>
      undoLastReview(sql, new Date(c.var.now())),
    )
    return c.json(card)
  },
)

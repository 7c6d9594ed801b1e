import { Hono } from 'hono'
import { getDeck } from '../../lib/content/decks'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** One deck with its counts; another user's deck looks exactly like none (404). */
export default new Hono<BackendEnv>().get(
  '/api/decks/:id',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    const deck = await asUser(c.var.db, c.var.user.id, (sql) =>
      getDeck(sql, c.req.valid('param').id, new Date(c.var.now())),
    )
    if (!deck) throw new ApiError('NOT_FOUND', 'No such deck')
    return c.json(deck)
  },
)

import { Hono } from 'hono'
import { getCard } from '../../lib/content/cards'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** One card; another user's card looks exactly like none (404). */
export default new Hono<BackendEnv>().get(
  '/api/cards/:id',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    const card = await asUser(c.var.db, c.var.user.id, (sql) =>
      getCard(sql, c.req.valid('param').id),
    )
    if (!card) throw new ApiError('NOT_FOUND', 'No such card')
    return c.json(card)
  },
)

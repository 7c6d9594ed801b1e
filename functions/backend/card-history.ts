import { Hono } from 'hono'
import { cardHistory } from '../../lib/content/card-history'
import { getCard } from '../../lib/content/cards'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** A card's last 50 changes, newest first, each with what it replaced (the card page undoes them). */
export default new Hono<BackendEnv>().get(
  '/api/cards/:id/history',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    const { id } = c.req.valid('param')
    const items = await asUser(c.var.db, c.var.user.id, async (sql) =>
      (await getCard(sql, id)) ? cardHistory(sql, id) : null,
    )
    if (!items) throw new ApiError('NOT_FOUND', 'No such card')
    return c.json({ items })
  },
)

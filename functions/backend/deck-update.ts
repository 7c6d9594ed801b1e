import { Hono } from 'hono'
import { getDeck, updateDeck } from '../../lib/content/decks'
import { DeckBody, IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** Renames a deck, describes it, sets its languages or daily limits. */
export default new Hono<BackendEnv>().patch(
  '/api/decks/:id',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  validate('json', DeckBody.partial()),
  async (c) => {
    const { id } = c.req.valid('param')
    const deck = await asUser(c.var.db, c.var.user.id, async (sql) =>
      (await updateDeck(sql, id, c.req.valid('json')))
        ? getDeck(sql, id, new Date(c.var.now()))
        : null,
    )
    if (!deck) throw new ApiError('NOT_FOUND', 'No such deck')
    return c.json(deck)
  },
)

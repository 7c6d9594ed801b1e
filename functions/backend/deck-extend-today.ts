import { Hono } from 'hono'
import { z } from 'zod'
import { extendToday } from '../../lib/content/custom-study'
import { getDeck } from '../../lib/content/decks'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

export const ExtendBody = z
  .object({
    newCards: z.number().int().min(0).max(9999).default(0),
    reviews: z.number().int().min(0).max(99999).default(0),
  })
  .refine((b) => b.newCards + b.reviews > 0, {
    message: 'give more new cards or reviews than 0',
    path: ['newCards'],
  })

/** Custom study: more new cards or reviews from this deck today (the learner's day); answers the deck. */
export default new Hono<BackendEnv>().post(
  '/api/decks/:id/extend-today',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  validate('json', ExtendBody),
  async (c) => {
    const { id } = c.req.valid('param')
    const now = new Date(c.var.now())
    const deck = await asUser(c.var.db, c.var.user.id, async (sql) =>
      (await extendToday(sql, id, { ...c.req.valid('json'), now })) ? getDeck(sql, id, now) : null,
    )
    if (!deck) throw new ApiError('NOT_FOUND', 'No such deck')
    return c.json(deck)
  },
)

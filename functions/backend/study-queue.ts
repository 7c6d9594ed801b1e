import { Hono } from 'hono'
import { z } from 'zod'
import { requireDeck } from '../../lib/content/decks'
import { dueQueue } from '../../lib/content/study'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

export const QueueQuery = z.object({
  deckId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

/**
 * The due queue of one deck or all, within today's limits; each card carries every grade's next interval, and
 * `total` is how many today's limits allow in all (the sum of the decks' counts; `cards` stops at `limit`).
 */
export default new Hono<BackendEnv>().get(
  '/api/study/queue',
  requireUser(),
  rateLimit('standard'),
  validate('query', QueueQuery),
  async (c) => {
    const { deckId, limit } = c.req.valid('query')
    const queue = await asUser(c.var.db, c.var.user.id, async (sql) => {
      if (deckId) await requireDeck(sql, deckId) // another user's deck is missing, not an empty queue
      return dueQueue(sql, { deckId, limit, now: new Date(c.var.now()) })
    })
    return c.json(queue)
  },
)

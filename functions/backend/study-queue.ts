import { Hono } from 'hono'
import { z } from 'zod'
import { customQueue } from '../../lib/content/custom-study'
import { requireDeck } from '../../lib/content/decks'
import { Tag } from '../../lib/content/schemas'
import { dueQueue } from '../../lib/content/study'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

export const QueueQuery = z.object({
  deckId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  ahead: z.coerce.number().int().min(1).max(365).optional(),
  tag: Tag.optional(),
})

/**
 * The due queue of one deck or all, within today's limits; each card carries every grade's next interval, and
 * `total` is how many today's limits allow in all (the sum of the decks' counts; `cards` stops at `limit`).
 * Custom study leaves the limits aside: `ahead` reviews what falls due within that many days, `tag` studies
 * every card with the tag.
 */
export default new Hono<BackendEnv>().get(
  '/api/study/queue',
  requireUser(),
  rateLimit('standard'),
  validate('query', QueueQuery),
  async (c) => {
    const { deckId, limit, ahead, tag } = c.req.valid('query')
    const now = new Date(c.var.now())
    const queue = await asUser(c.var.db, c.var.user.id, async (sql) => {
      if (deckId) await requireDeck(sql, deckId) // another user's deck is missing, not an empty queue
      return ahead || tag
        ? customQueue(sql, { deckId, limit, now, aheadDays: ahead, tag })
        : dueQueue(sql, { deckId, limit, now })
    })
    return c.json(queue)
  },
)

import { Hono } from 'hono'
import { z } from 'zod'
import { CARD_FILTERS } from '../../lib/content/card-filters'
import { listCards } from '../../lib/content/cards'
import { requireDeck } from '../../lib/content/decks'
import { IdParam, Tag } from '../../lib/content/schemas'
import { Cursor, encodeCursor } from '../../lib/cursor'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

export const ListQuery = z.object({
  q: z.string().trim().min(1).max(200).optional(),
  tag: Tag.optional(),
  is: z.enum(CARD_FILTERS).optional(),
  flag: z.coerce.number().int().min(1).max(7).optional(),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

/** A deck's cards, searched by text and filtered by tag or study state (`is`, `flag`), in stable pages. */
export default new Hono<BackendEnv>().get(
  '/api/decks/:id/cards',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  validate('query', ListQuery),
  async (c) => {
    const { cursor, limit, ...filters } = c.req.valid('query')
    const deckId = c.req.valid('param').id
    const cards = await asUser(c.var.db, c.var.user.id, async (sql) => {
      await requireDeck(sql, deckId)
      return listCards(sql, deckId, {
        ...filters,
        now: new Date(c.var.now()),
        after: cursor,
        limit: limit + 1,
      })
    })
    const items = cards.slice(0, limit)
    return c.json({
      items,
      nextCursor: cards.length > limit ? encodeCursor(items[limit - 1]) : null,
    })
  },
)

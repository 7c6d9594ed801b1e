import { Hono } from 'hono'
import { z } from 'zod'
import { addCards, listCards, makeRoom } from '../../lib/content/cards'
import { requireDeck } from '../../lib/content/decks'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import { decodeCursor, encodeCursor } from '../../lib/cursor'
import { CardBody, IdParam, Tag } from './content-schemas'
import type { BackendEnv } from './index'

export const ListQuery = z.object({ q: z.string().trim().min(1).max(200).optional(), tag: Tag.optional(), cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) })
export const AddBody = z.union([CardBody, z.object({ cards: z.array(CardBody).min(1).max(1000) })])

/** A deck's cards: search, filter by tag, stable pages; add one or many (all or none). */
export default new Hono<BackendEnv>()
  .get('/:id/cards', requireUser(), rateLimit('standard'), validate('param', IdParam), validate('query', ListQuery), async (c) => {
    const { q, tag, cursor, limit } = c.req.valid('query')
    const after = cursor ? decodeCursor(cursor) : undefined
    const cards = await asUser(c.var.db, c.var.user!.id, async (sql) => {
      await requireDeck(sql, c.req.valid('param').id)
      return listCards(sql, c.req.valid('param').id, { q, tag, after, limit: limit + 1 })
    })
    const items = cards.slice(0, limit)
    return c.json({ items, nextCursor: cards.length > limit ? encodeCursor(items[limit - 1]) : null })
  })
  .post('/:id/cards', requireUser(), rateLimit('standard'), validate('param', IdParam), validate('json', AddBody), async (c) => {
    const body = c.req.valid('json')
    const incoming = 'cards' in body ? body.cards : [body]
    const { CONTENT_MAX_CARDS_PER_DECK: max, CONTENT_MAX_BULK: bulk } = c.var.config
    if (incoming.length > bulk) throw new ApiError('BAD_REQUEST', `At most ${bulk} cards at once`)
    const added = await asUser(c.var.db, c.var.user!.id, async (sql) => {
      const deckId = c.req.valid('param').id
      await makeRoom(sql, deckId, incoming.length, max)
      return addCards(sql, deckId, incoming, new Date(c.var.now()))
    })
    return c.json('cards' in body ? { cards: added } : added[0], 201)
  })

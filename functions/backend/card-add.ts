import { Hono } from 'hono'
import { z } from 'zod'
import { addCards, makeRoom } from '../../lib/content/cards'
import { CardBody, IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './index'

export const AddBody = z.union([CardBody, z.object({ cards: z.array(CardBody).min(1).max(1000) })])

/** Adds one card, or many at once (all or none), within the deck's limit. */
export default new Hono<BackendEnv>().post('/:id/cards', requireUser(), rateLimit('standard'), validate('param', IdParam), validate('json', AddBody), async (c) => {
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

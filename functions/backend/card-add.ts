import { Hono } from 'hono'
import { makeRoom } from '../../lib/content/cards'
import { addNotes, basicNotes } from '../../lib/content/notes'
import { cardSchemas, IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** Adds one card, or many at once (all or none), within the deck's limit: each is a Basic note's card. */
export default new Hono<BackendEnv>().post(
  '/api/decks/:id/cards',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  validate('json', (c) => cardSchemas(c.var.config).add),
  async (c) => {
    const body = c.req.valid('json')
    const incoming = 'cards' in body ? body.cards : [body]
    const max = c.var.config.CONTENT_MAX_CARDS_PER_DECK
    const added = await asUser(c.var.db, c.var.user.id, async (sql) => {
      const deckId = c.req.valid('param').id
      await makeRoom(sql, deckId, incoming.length, max)
      const notes = await addNotes(sql, deckId, basicNotes(incoming), new Date(c.var.now()))
      return notes.flatMap((n) => n.cards)
    })
    return c.json('cards' in body ? { cards: added } : added[0], 201)
  },
)

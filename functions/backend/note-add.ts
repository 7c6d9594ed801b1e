import { Hono } from 'hono'
import { makeRoom } from '../../lib/content/cards'
import { addNotes, cardCount } from '../../lib/content/notes'
import { cardSchemas, IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/**
 * Adds a note of a type with its fields; it comes back with the cards its type made from them, each starting
 * with the tags and the free-text notes given.
 */
export default new Hono<BackendEnv>().post(
  '/api/decks/:id/notes',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  validate('json', (c) => cardSchemas(c.var.config).note),
  async (c) => {
    const { type, fields, tags, notes } = c.req.valid('json')
    const input = [{ type, fields, card: { tags, notes } }]
    const [note] = await asUser(c.var.db, c.var.user.id, async (sql) => {
      const deckId = c.req.valid('param').id
      await makeRoom(sql, deckId, cardCount(input), c.var.config.CONTENT_MAX_CARDS_PER_DECK)
      return addNotes(sql, deckId, input, new Date(c.var.now()))
    })
    return c.json(note, 201)
  },
)

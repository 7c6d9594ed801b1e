import { Hono } from 'hono'
import { createDeck, getDeck, makeDeckRoom } from '../../lib/content/decks'
import { DeckBody } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** A new deck: name, description, languages (source → target) and daily limits. */
export default new Hono<BackendEnv>().post(
  '/api/decks',
  requireUser(),
  rateLimit('standard'),
  validate('json', DeckBody),
  async (c) => {
    const deck = await asUser(c.var.db, c.var.user.id, async (sql) => {
      await makeDeckRoom(sql, 1, c.var.config.CONTENT_MAX_DECKS)
      return getDeck(sql, await createDeck(sql, c.req.valid('json')), new Date(c.var.now()))
    })
    return c.json(deck, 201)
  },
)

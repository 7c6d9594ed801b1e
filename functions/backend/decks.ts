import { Hono } from 'hono'
import { createDeck, getDeck, listDecks } from '../../lib/content/decks'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import { DeckBody } from './content-schemas'
import type { BackendEnv } from './index'

/** The user's decks with card, new and due counts; and creating one. */
export default new Hono<BackendEnv>()
  .get('/', requireUser(), rateLimit('standard'), async (c) => {
    const decks = await asUser(c.var.db, c.var.user!.id, (sql) => listDecks(sql, new Date(c.var.now())))
    return c.json({ decks })
  })
  .post('/', requireUser(), rateLimit('standard'), validate('json', DeckBody), async (c) => {
    const deck = await asUser(c.var.db, c.var.user!.id, async (sql) => getDeck(sql, await createDeck(sql, c.req.valid('json')), new Date(c.var.now())))
    return c.json(deck, 201)
  })

import { Hono } from 'hono'
import { listDecks } from '../../lib/content/decks'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'

/** The user's decks with card, new and due counts. */
export default new Hono<BackendEnv>().get(
  '/api/decks',
  requireUser(),
  rateLimit('standard'),
  async (c) => {
    const decks = await asUser(c.var.db, c.var.user.id, (sql) =>
      listDecks(sql, new Date(c.var.now())),
    )
    return c.json({ decks })
  },
)

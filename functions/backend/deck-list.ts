import { Hono } from 'hono'
import { listDecks } from '../../lib/content/decks'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'

/** All the user's decks (at most CONTENT_MAX_DECKS) with card, new and due counts. */
export default new Hono<BackendEnv>().get(
  '/api/decks',
  requireUser(),
  rateLimit('standard'),
  async (c) => {
    const decks = await asUser(c.var.db, c.var.user.id, (sql) =>
      listDecks(sql, new Date(c.var.now()), c.var.config.CONTENT_MAX_DECKS),
    )
    return c.json({ decks })
  },
)

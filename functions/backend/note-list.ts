import { Hono } from 'hono'
import { z } from 'zod'
import { requireDeck } from '../../lib/content/decks'
import { listNotes } from '../../lib/content/notes'
import { IdParam } from '../../lib/content/schemas'
import { Cursor, encodeCursor } from '../../lib/cursor'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

const Query = z.object({
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

/** A deck's notes with their cards, oldest first, in stable pages. */
export default new Hono<BackendEnv>().get(
  '/api/decks/:id/notes',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  validate('query', Query),
  async (c) => {
    const { cursor, limit } = c.req.valid('query')
    const deckId = c.req.valid('param').id
    const notes = await asUser(c.var.db, c.var.user.id, async (sql) => {
      await requireDeck(sql, deckId)
      return listNotes(sql, deckId, { after: cursor, limit: limit + 1 })
    })
    const items = notes.slice(0, limit)
    return c.json({
      items,
      nextCursor: notes.length > limit ? encodeCursor(items[limit - 1]) : null,
    })
  },
)

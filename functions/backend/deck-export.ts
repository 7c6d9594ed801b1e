import { Hono } from 'hono'
import { attachment } from '../../lib/attachment'
import { notesToCsv } from '../../lib/content/card-csv'
import { requireDeck } from '../../lib/content/decks'
import { listNotes } from '../../lib/content/notes'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** A deck's notes as CSV, one row each with its type and fields, in the columns the import reads. */
export default new Hono<BackendEnv>().get(
  '/api/decks/:id/export',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    const deckId = c.req.valid('param').id
    const { name, notes } = await asUser(c.var.db, c.var.user.id, async (sql) => ({
      name: (await requireDeck(sql, deckId)).name,
      notes: await listNotes(sql, deckId, { limit: c.var.config.CONTENT_MAX_CARDS_PER_DECK }),
    }))
    return c.body(notesToCsv(notes), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': attachment(`${name}.csv`),
    })
  },
)

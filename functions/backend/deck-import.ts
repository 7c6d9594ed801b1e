import { Hono } from 'hono'
import { z } from 'zod'
import { readNoteRows } from '../../lib/content/card-csv'
import { makeRoom } from '../../lib/content/cards'
import { addNotes, cardCount } from '../../lib/content/notes'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/**
 * CSV import into a deck, one note per row (lib/content/card-csv.ts): every row or none. `?dryRun=true` answers
 * a preview and each bad row's errors; `valid` counts notes, `imported` the cards they made.
 */
export default new Hono<BackendEnv>().post(
  '/api/decks/:id/import',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  validate('query', z.object({ dryRun: z.enum(['true', 'false']).default('false') })),
  async (c) => {
    if (!/^text\/(csv|plain)/i.test(c.req.header('content-type') ?? ''))
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv')
    const { notes, errors } = readNoteRows(await c.req.text(), c.var.config)
    const dryRun = c.req.valid('query').dryRun === 'true'
    const deckId = c.req.valid('param').id
    const imported = await asUser(c.var.db, c.var.user.id, async (sql) => {
      await makeRoom(sql, deckId, cardCount(notes), c.var.config.CONTENT_MAX_CARDS_PER_DECK)
      if (dryRun || errors.length || !notes.length) return 0
      const added = await addNotes(sql, deckId, notes, new Date(c.var.now()))
      return added.reduce((n, x) => n + x.cards.length, 0)
    })
    if (errors.length && !dryRun)
      throw new ApiError('BAD_REQUEST', `${errors.length} rows have errors; nothing was imported`, {
        errors,
      })
    return c.json(
      { dryRun, valid: notes.length, imported, errors, preview: notes.slice(0, 20) },
      imported ? 201 : 200,
    )
  },
)

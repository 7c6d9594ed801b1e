import { Hono } from 'hono'
import { editNote, getNote } from '../../lib/content/notes'
import { cardSchemas, IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/**
 * Changes a note's fields (those left out stay) or its cards' tags; its cards follow. A card the new fields no
 * longer make (a cloze number taken out) is kept with its history, marked `empty` and out of study, unless
 * `removeEmptyCards: true` deletes it with its reviews (lib/content/notes.ts, as Anki's Empty Cards).
 */
export default new Hono<BackendEnv>().patch(
  '/api/notes/:id',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  validate('json', (c) => cardSchemas(c.var.config).notePatch),
  async (c) => {
    const note = await asUser(c.var.db, c.var.user.id, async (sql) => {
      const note = await getNote(sql, c.req.valid('param').id, true)
      return note && editNote(sql, note, c.req.valid('json'), c.var.config, new Date(c.var.now()))
    })
    if (!note) throw new ApiError('NOT_FOUND', 'No such note')
    return c.json(note)
  },
)

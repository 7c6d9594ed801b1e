import { Hono } from 'hono'
import { z } from 'zod'
import { changeNoteType } from '../../lib/content/note-type-change'
import { NOTE_TYPE_IDS } from '../../lib/content/note-types'
import { getNote } from '../../lib/content/notes'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { Text, validate } from '../../lib/validate'
import type { BackendEnv } from './env'

export const Body = z.object({
  type: z.enum(NOTE_TYPE_IDS),
  /** The fields for the new type; left out, the note's are mapped (lib/content/note-types.ts). */
  fields: z.record(z.string().max(40), Text).optional(),
  /** Go ahead although cards (and their reviews) would be deleted; without it such a change is a 409. */
  confirm: z.boolean().default(false),
})

/** Changes a note's type (Basic → Basic and reversed adds the reverse card; back again deletes it). */
export default new Hono<BackendEnv>().put(
  '/api/notes/:id/type',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  validate('json', Body),
  async (c) => {
    const note = await asUser(c.var.db, c.var.user.id, async (sql) => {
      const note = await getNote(sql, c.req.valid('param').id, true)
      return (
        note && changeNoteType(sql, note, c.req.valid('json'), c.var.config, new Date(c.var.now()))
      )
    })
    if (!note) throw new ApiError('NOT_FOUND', 'No such note')
    return c.json(note)
  },
)

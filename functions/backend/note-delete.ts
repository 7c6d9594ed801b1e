import { Hono } from 'hono'
import { deleteNote } from '../../lib/content/notes'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** Deletes a note with all its cards and their reviews. */
export default new Hono<BackendEnv>().delete(
  '/api/notes/:id',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    if (!(await asUser(c.var.db, c.var.user.id, (sql) => deleteNote(sql, c.req.valid('param').id))))
      throw new ApiError('NOT_FOUND', 'No such note')
    return c.body(null, 204)
  },
)

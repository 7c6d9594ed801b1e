import { Hono } from 'hono'
import { getNote } from '../../lib/content/notes'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** One note with its cards; another user's note looks exactly like none (404). */
export default new Hono<BackendEnv>().get(
  '/api/notes/:id',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    const note = await asUser(c.var.db, c.var.user.id, (sql) =>
      getNote(sql, c.req.valid('param').id),
    )
    if (!note) throw new ApiError('NOT_FOUND', 'No such note')
    return c.json(note)
  },
)

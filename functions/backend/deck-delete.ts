import { Hono } from 'hono'
import { deleteDeck } from '../../lib/content/decks'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** Deletes a deck with its cards and their review history. */
export default new Hono<BackendEnv>().delete(
  '/api/decks/:id',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    if (!(await asUser(c.var.db, c.var.user.id, (sql) => deleteDeck(sql, c.req.valid('param').id))))
      throw new ApiError('NOT_FOUND', 'No such deck')
    return c.body(null, 204)
  },
)

import { Hono } from 'hono'
import { deletePreset } from '../../lib/content/presets'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** Deletes a preset; the decks that used it keep its options as their own. */
export default new Hono<BackendEnv>().delete(
  '/api/presets/:id',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    if (
      !(await asUser(c.var.db, c.var.user.id, (sql) => deletePreset(sql, c.req.valid('param').id)))
    )
      throw new ApiError('NOT_FOUND', 'No such preset')
    return c.body(null, 204)
  },
)

import { Hono } from 'hono'
import { deleteCard } from '../../lib/content/cards'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

export default new Hono<BackendEnv>().delete(
  '/api/cards/:id',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    if (!(await asUser(c.var.db, c.var.user.id, (sql) => deleteCard(sql, c.req.valid('param').id))))
      throw new ApiError('NOT_FOUND', 'No such card')
    return c.body(null, 204)
  },
)

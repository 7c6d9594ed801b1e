import { Hono } from 'hono'
import { IdParam } from '../../lib/content/schemas'
import { getJob } from '../../lib/content/import-jobs'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** One of the learner's import jobs, with its step and progress (another learner's is 404, as unknown). */
export default new Hono<BackendEnv>().get(
  '/api/imports/:id',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    const job = await asUser(c.var.db, c.var.user.id, (sql) => getJob(sql, c.req.valid('param').id))
    if (!job) throw new ApiError('NOT_FOUND', 'No such import')
    return c.json({ job })
  },
)

import { Hono } from 'hono'
import { listJobs } from '../../lib/content/import-jobs'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'

/** The learner's 10 newest import jobs, so a reload finds one still running. */
export default new Hono<BackendEnv>().get(
  '/api/imports',
  requireUser(),
  rateLimit('standard'),
  async (c) => c.json({ jobs: await asUser(c.var.db, c.var.user.id, listJobs) }),
)

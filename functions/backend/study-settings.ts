import { Hono } from 'hono'
import { studySettings } from '../../lib/content/study'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'

/** The user's study settings: timezone for "today", desired retention, maximum interval. */
export default new Hono<BackendEnv>().get(
  '/api/study/settings',
  requireUser(),
  rateLimit('standard'),
  async (c) => c.json(await asUser(c.var.db, c.var.user.id, studySettings)),
)

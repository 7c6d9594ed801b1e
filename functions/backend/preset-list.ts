import { Hono } from 'hono'
import { listPresets } from '../../lib/content/presets'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'

/** The learner's deck option presets, by name, each with how many decks use it. */
export default new Hono<BackendEnv>().get(
  '/api/presets',
  requireUser(),
  rateLimit('standard'),
  async (c) => c.json({ presets: await asUser(c.var.db, c.var.user.id, listPresets) }),
)

import { Hono } from 'hono'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'
import { userTypeOf } from './_lib/routes'

/** Who the gateway takes the caller for, from the access token alone (no call to auth). */
export default new Hono<BackendEnv>().get(
  '/api/whoami',
  requireUser(),
  rateLimit('standard'),
  (c) => {
    const { id, role, email, name } = c.var.user
    return c.json({ id, role, email, name, userType: userTypeOf(role) })
  },
)

import { Hono } from 'hono'
import { requireUser } from '../../lib/middleware/auth'
import { signOut } from './_lib/sign-out'
import type { AuthEnv } from './env'

/** Ends the session the access token belongs to; its refresh tokens stop working at once. */
export default new Hono<AuthEnv>().post('/auth/logout', requireUser(), async (c) => {
  await signOut(c, c.var.user.id, c.var.user.sessionId, 'logout')
  return c.body(null, 204)
})

import { Hono } from 'hono'
import { z } from 'zod'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { validate } from '../../lib/validate'
import { signOut } from './_lib/sign-out'
import type { AuthEnv } from './env'

/** Signs one of the user's own sessions out. */
export default new Hono<AuthEnv>().delete(
  '/auth/sessions/:id',
  requireUser(),
  validate('param', z.object({ id: z.uuid() })),
  async (c) => {
    const revoked = await signOut(c, c.var.user.id, c.req.valid('param').id, 'user')
    if (!revoked.length) throw new ApiError('NOT_FOUND', 'No such live session')
    return c.body(null, 204)
  },
)

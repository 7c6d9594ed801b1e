import { Hono } from 'hono'
import { findAccount } from '../../lib/auth/accounts'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import type { AuthEnv } from './env'
import { publicUser } from './_lib/shared'

/** The signed-in user's profile, including whether the email is verified. */
export default new Hono<AuthEnv>().get('/auth/me', requireUser(), async (c) => {
  const account = await asService(c.var.db, (sql) => findAccount(sql, c.var.user.id))
  if (!account || account.status === 'deleted')
    throw new ApiError('UNAUTHORIZED', 'This account no longer exists')
  return c.json(publicUser(account))
})

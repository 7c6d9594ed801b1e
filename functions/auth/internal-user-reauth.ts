import { Hono } from 'hono'
import { z } from 'zod'
import { findAccount } from '../../lib/auth/accounts'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { requireService } from '../../lib/middleware/service-auth'
import { validate } from '../../lib/validate'
import { confirmPassword } from './_lib/password-check'
import type { AuthEnv } from './env'

/** Confirms the user's password before the backend does something irreversible (deleting the account). */
export default new Hono<AuthEnv>().post(
  '/internal/users/:id/reauth',
  requireService({ from: ['backend'] }),
  validate('param', z.object({ id: UserId })),
  validate('json', z.object({ password: z.string().min(1).max(1024) })),
  async (c) => {
    const account = await asService(c.var.db, (sql) => findAccount(sql, c.req.valid('param').id))
    if (!account) throw new ApiError('NOT_FOUND', 'No such user')
    if (!account.passwordHash)
      throw new ApiError(
        'FORBIDDEN',
        'This account signs in with Google or Apple only: set a password first (Forgot password), then confirm with it',
      )
    await confirmPassword(c, account, c.req.valid('json').password, 'account_delete')
    return c.json({ confirmed: true })
  },
)

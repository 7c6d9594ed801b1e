import { Hono } from 'hono'
import { z } from 'zod'
import { findAccount } from '../../lib/auth/accounts'
import { setTwoFactor } from '../../lib/auth/users'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import { confirmPassword } from './_lib/password-check'
import type { AuthEnv } from './env'
import { publicUser } from './_lib/shared'

export const Body = z.object({ enabled: z.boolean(), password: z.string().min(1).max(1024) })

/** Turns email 2FA on or off, confirmed with the password. Admins always have it. */
export default new Hono<AuthEnv>().put(
  '/auth/two-factor',
  requireUser(),
  validate('json', Body),
  async (c) => {
    const { enabled, password } = c.req.valid('json')
    const userId = c.var.user.id
    const account = await asService(c.var.db, (sql) => findAccount(sql, userId))
    await confirmPassword(c, account, password, 'two_factor')
    if (!account) throw new ApiError('NOT_FOUND', 'No such user')
    if (!enabled && account.role === 'admin')
      throw new ApiError('FORBIDDEN', 'Admins must keep two-factor sign-in')
    await asService(c.var.db, async (sql) => {
      await setTwoFactor(sql, userId, enabled)
      await audit(sql, requestMeta(c), {
        actor: userId,
        action: 'user.two_factor_changed',
        subjectId: userId,
        details: { enabled },
      })
    })
    return c.json(publicUser({ ...account, twoFactor: enabled }))
  },
)

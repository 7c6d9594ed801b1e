import { Hono } from 'hono'
import { z } from 'zod'
import { checkCode } from '../../lib/auth/codes'
import { markEmailVerified, promoteListedAdmin } from '../../lib/auth/users'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'

export const Body = z.object({ code: z.string().regex(/^\d{6}$/, 'must be 6 digits') })

/**
 * Confirms the email address with the code sent at registration (or the latest resent one). An address in
 * ADMIN_EMAILS becomes an admin here, once proven; the next access token carries the role.
 */
export default new Hono<AuthEnv>().post(
  '/auth/email/verify',
  requireUser(),
  validate('json', Body),
  async (c) => {
    const userId = c.var.user.id
    const now = c.var.now()
    const check = await asService(c.var.db, async (sql) => {
      const result = await checkCode(sql, {
        purpose: 'verify_email',
        userId,
        code: c.req.valid('json').code,
        now,
      })
      if (result.ok) {
        await markEmailVerified(sql, userId, new Date(now))
        await audit(sql, requestMeta(c), {
          actor: userId,
          action: 'user.email_verified',
          subjectId: userId,
        })
        if (await promoteListedAdmin(sql, userId, c.var.config.ADMIN_EMAILS))
          await audit(sql, requestMeta(c), {
            actor: 'auth',
            action: 'user.role_changed',
            subjectId: userId,
            details: { role: 'admin', by: 'ADMIN_EMAILS' },
          })
      }
      return result
    })
    if (!check.ok)
      throw new ApiError(
        'INVALID_CODE',
        check.dead ? 'This code has expired; ask for a new one' : 'Wrong code; try again',
        {
          retry: !check.dead,
        },
      )
    return c.json({ emailVerified: true })
  },
)

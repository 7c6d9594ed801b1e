import { Hono } from 'hono'
import { z } from 'zod'
import { clearLoginFailures, findAccount, setPassword } from '../../lib/auth/accounts'
import { useResetToken } from '../../lib/auth/codes'
import { emails } from '../../lib/auth/emails'
import { hashPassword, Password } from '../../lib/auth/passwords'
import { revokeSessions } from '../../lib/auth/sessions'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import { denyAccess } from './_lib/deny-access'
import type { AuthEnv } from './env'
import { sendMail } from './_lib/shared'

export const Body = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not a reset token'),
  password: Password,
})

/**
 * Sets a new password with a reset token: every session ends and a lockout is lifted. It signs nobody in,
 * so a second factor still stands between the link and the account.
 */
export default new Hono<AuthEnv>().post(
  '/auth/password/reset',
  validate('json', Body),
  async (c) => {
    const { token, password } = c.req.valid('json')
    const { db, kit, now } = c.var
    const meta = requestMeta(c)
    const hash = await hashPassword(password, kit.config.BCRYPT_COST)
    const account = await asService(db, async (sql) => {
      const userId = await useResetToken(sql, token, now())
      const found = userId && (await findAccount(sql, userId, true))
      if (!found) return null
      await setPassword(sql, found.id, hash)
      const ended = await revokeSessions(sql, found.id, 'password_reset', now())
      await audit(sql, meta, {
        actor: found.id,
        action: 'user.password_reset',
        subjectId: found.id,
        details: { sessionsEnded: ended.length },
      })
      if (found.lockedUntil && found.lockedUntil.getTime() > now())
        await audit(sql, meta, {
          actor: 'auth',
          action: 'user.unlocked',
          subjectId: found.id,
          details: { by: 'reset' },
        })
      await clearLoginFailures(sql, found.id)
      return { ...found, ended }
    })
    if (!account)
      throw new ApiError(
        'INVALID_CODE',
        'This reset link has expired or was used; ask for a new one',
      )
    await denyAccess(c, account.ended)
    const wasLocked = account.lockedUntil && account.lockedUntil.getTime() > now()
    await sendMail(
      c,
      wasLocked ? emails.unlocked(account.email) : emails.passwordChanged(account.email),
    )
    return c.json({ reset: true })
  },
)

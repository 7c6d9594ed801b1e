import { Hono } from 'hono'
import { z } from 'zod'
import { findAccount, setPassword } from '../../lib/auth/accounts'
import { emails } from '../../lib/auth/emails'
import { hashPassword, Password } from '../../lib/auth/passwords'
import { revokeSessions } from '../../lib/auth/sessions'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import { confirmPassword } from './_lib/password-check'
import { denyAccess } from './_lib/deny-access'
import type { AuthEnv } from './env'
import { sendMail } from './_lib/shared'

export const Body = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: Password,
})

/** Changes the password after checking the current one; every session, this one included, ends. */
export default new Hono<AuthEnv>().post(
  '/auth/password',
  requireUser(),
  validate('json', Body),
  async (c) => {
    const { currentPassword, newPassword } = c.req.valid('json')
    const { db, kit } = c.var
    const userId = c.var.user.id
    const account = await asService(db, (sql) => findAccount(sql, userId))
    const { email } = await confirmPassword(c, account, currentPassword, 'password_change')
    const hash = await hashPassword(newPassword, kit.config.BCRYPT_COST)
    const ended = await asService(db, async (sql) => {
      await setPassword(sql, userId, hash)
      const ids = await revokeSessions(sql, userId, 'password_changed', c.var.now())
      await audit(sql, requestMeta(c), {
        actor: userId,
        action: 'user.password_changed',
        subjectId: userId,
        details: { sessionsEnded: ids.length },
      })
      return ids
    })
    await denyAccess(c, ended)
    await sendMail(c, emails.passwordChanged(email))
    return c.json({ changed: true, signedOut: true })
  },
)

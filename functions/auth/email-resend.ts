import { Hono } from 'hono'
import { findAccount } from '../../lib/auth/accounts'
import { issueCode, RESEND_COOLDOWN_S, resendWait } from '../../lib/auth/codes'
import { emails } from '../../lib/auth/emails'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import type { AuthEnv } from './env'
import { sendMail } from './_lib/shared'

/** Sends a new email verification code, at most one a minute; the previous one stops working. */
export default new Hono<AuthEnv>().post('/auth/email/resend', requireUser(), async (c) => {
  const sent = await asService(c.var.db, async (sql) => {
    const account = await findAccount(sql, c.var.user.id)
    if (!account || account.emailVerified) return null
    const wait = await resendWait(sql, {
      userId: account.id,
      purpose: 'verify_email',
      now: c.var.now(),
    })
    if (wait) return { wait }
    return {
      email: account.email,
      code: await issueCode(sql, { userId: account.id, purpose: 'verify_email', now: c.var.now() }),
    }
  })
  if (!sent) throw new ApiError('CONFLICT', 'This email address is already verified')
  if ('wait' in sent)
    throw new ApiError('RATE_LIMITED', `A code was sent moments ago; ask again in ${sent.wait} s`, {
      retryAfter: sent.wait,
    })
  await sendMail(c, emails.verify(sent.email, sent.code.secret))
  return c.json({ sent: true, resendIn: RESEND_COOLDOWN_S }, 202)
})

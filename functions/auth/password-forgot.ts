import { Hono } from 'hono'
import { z } from 'zod'
import { findAccountByEmail } from '../../lib/auth/accounts'
import { issueCode } from '../../lib/auth/codes'
import { emails } from '../../lib/auth/emails'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { afterResponse } from '../../lib/after-response'
import { Email, sendMail } from './_lib/shared'

export const Body = z.object({ email: Email })

const ANSWER = { message: 'If an account uses this email, a reset link is on its way.' }

/**
 * Emails a single-use reset link (30 min). The answer never tells whether the account exists, nor does
 * its timing: the lookup and the mail happen after it.
 */
export default new Hono<AuthEnv>().post(
  '/auth/password/forgot',
  validate('json', Body),
  async (c) => {
    const { db, now, kit } = c.var
    const meta = requestMeta(c)
    const { email } = c.req.valid('json')
    afterResponse(c, async () => {
      const sent = await asService(db, async (sql) => {
        const account = await findAccountByEmail(sql, email)
        if (!account || account.status === 'disabled' || account.status === 'deleted') return null
        const { secret } = await issueCode(sql, {
          userId: account.id,
          purpose: 'reset',
          now: now(),
        })
        await audit(sql, meta, {
          actor: account.id,
          action: 'user.password_reset_requested',
          subjectId: account.id,
        })
        return { email: account.email, secret }
      })
      if (!sent) return
      // The token rides in the fragment, which browsers never send to a server or put in Referer.
      const link = new URL(`/reset-password#token=${sent.secret}`, kit.config.APP_URL).href
      await sendMail(c, emails.reset(sent.email, link))
    })
    return c.json(ANSWER, 202)
  },
)

import { Hono } from 'hono'
import { z } from 'zod'
import { findAccountByEmail } from '../../lib/auth/accounts'
import { RESEND_COOLDOWN_S } from '../../lib/auth/codes'
import { emails } from '../../lib/auth/emails'
import { hashPassword, Password } from '../../lib/auth/passwords'
import { addRegistration, sweepRegistrations } from '../../lib/auth/registrations'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { afterResponse, Email, sendMail } from './_lib/shared'

export const Body = z.object({
  email: Email,
  password: Password,
  name: z.string().trim().min(1).max(100),
})

export const MESSAGE = 'Check your mail: we sent a 6-digit code to finish creating your account.'

/**
 * Starts a sign-up: a pending registration whose emailed code creates the account (POST /auth/register/verify).
 * The answer and the work before it are the same whether or not the email is taken; which mail goes out
 * (the code, or a note to the existing owner) is decided after the answer, as Supabase Auth and Keycloak do.
 */
export default new Hono<AuthEnv>().post('/auth/register', validate('json', Body), async (c) => {
  const { email, password, name } = c.req.valid('json')
  const { db, kit, now } = c.var
  const meta = requestMeta(c)
  const passwordHash = await hashPassword(password, kit.config.BCRYPT_COST) // outside the transaction: slow
  const pending = await asService(db, async (sql) => {
    await sweepRegistrations(sql, now())
    return addRegistration(sql, { email, name, passwordHash, now: now() })
  })
  afterResponse(c, async () => {
    const owner = await asService(db, async (sql) => {
      const account = await findAccountByEmail(sql, email)
      if (account)
        await audit(sql, meta, {
          actor: 'anonymous',
          action: 'user.register',
          subjectId: account.id,
          outcome: 'refused',
          details: { reason: 'email_taken' },
        })
      return account
    })
    const signIn = new URL('/#/signin', kit.config.APP_URL).href
    await sendMail(
      c,
      owner
        ? emails.alreadyRegistered(owner.email, signIn)
        : emails.verify(pending.email, pending.code),
    )
  })
  return c.json(
    {
      challenge: pending.id,
      expiresIn: pending.expiresIn,
      resendIn: RESEND_COOLDOWN_S, // POST /auth/register/resend mails a new code after this
      message: MESSAGE,
    },
    202,
  )
})

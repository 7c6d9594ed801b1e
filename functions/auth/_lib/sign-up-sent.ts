import type { Context } from 'hono'
import { findAccountByEmail } from '../../../lib/auth/accounts'
import { RESEND_COOLDOWN_S } from '../../../lib/auth/codes'
import { emails } from '../../../lib/auth/emails'
import { audit } from '../../../lib/db/audit'
import { asService } from '../../../lib/db/tx'
import { requestMeta } from '../../../lib/request-meta'
import type { AuthEnv } from '../env'
import { afterResponse } from '../../../lib/after-response'
import { sendMail } from './shared'

/**
 * A sign-up's code is on its way (POST /auth/register, /auth/register/resend): the same 202 whether or not the
 * address is taken. After the answer, the code goes to a free address, or a note (and a refusal in the audit
 * log) to the owner of a taken one, as Supabase Auth and Keycloak do.
 */
export function signUpSent<E extends AuthEnv>(
  c: Context<E>,
  pending: { id: string; code: string; email: string; expiresIn: number },
) {
  const { db, kit } = c.var
  const meta = requestMeta(c)
  afterResponse(c, async () => {
    const owner = await asService(db, async (sql) => {
      const account = await findAccountByEmail(sql, pending.email)
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
      message: 'Check your mail: we sent a 6-digit code to finish creating your account.',
    },
    202,
  )
}

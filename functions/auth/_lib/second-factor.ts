import type { Context } from 'hono'
import type { Account } from '../../../lib/auth/accounts'
import { CODE_TTL_S, issueCode } from '../../../lib/auth/codes'
import { emails } from '../../../lib/auth/emails'
import { audit } from '../../../lib/db/audit'
import type { Sql } from '../../../lib/db/db'
import type { RequestMeta } from '../../../lib/request-meta'
import type { AuthEnv } from '../env'
import { sendMail } from './shared'

/** In the sign-in's transaction: a login code bound to this device, audited. */
export async function openChallenge(
  sql: Sql,
  meta: RequestMeta,
  o: { account: Account; deviceId: string; now: number },
) {
  const code = await issueCode(sql, {
    userId: o.account.id,
    purpose: 'login',
    now: o.now,
    deviceId: o.deviceId,
  })
  await audit(sql, meta, {
    actor: o.account.id,
    action: 'user.two_factor_sent',
    subjectId: o.account.id,
  })
  return code
}

/** After the commit: the code goes by mail, the answer names the challenge and how long it lives. */
export async function challengeAnswer<E extends AuthEnv>(
  c: Context<E>,
  email: string,
  challenge: { id: string; secret: string },
) {
  await sendMail(c, emails.loginCode(email, challenge.secret))
  return { twoFactorRequired: true as const, challenge: challenge.id, expiresIn: CODE_TTL_S.login }
}

import { Hono } from 'hono'
import { z } from 'zod'
import { findAccountByEmail } from '../../lib/auth/accounts'
import { openSession } from '../../lib/auth/sessions'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import { checkPassword, lockedOut } from './_lib/password-check'
import type { AuthEnv } from './env'
import { challengeAnswer, openChallenge } from './_lib/second-factor'
import { DeviceHeader, Email, needsSecondFactor, publicUser } from './_lib/shared'

export const Body = z.object({ email: Email, password: z.string().min(1).max(1024) })

// Unknown email, wrong password or disabled account: one answer, and a bcrypt check in each case.
const refused = () => new ApiError('INVALID_CREDENTIALS', 'Wrong email or password')

/** Password sign-in: tokens, or a second-factor challenge when 2FA is on (always for admins). */
export default new Hono<AuthEnv>().post(
  '/auth/login',
  validate('header', DeviceHeader),
  validate('json', Body),
  async (c) => {
    const { email, password } = c.req.valid('json')
    const deviceId = c.req.valid('header')['x-device-id']
    const { db, kit, now } = c.var
    const meta = requestMeta(c)
    const account = await asService(db, (sql) => findAccountByEmail(sql, email))
    const check = await checkPassword(c, account, password, { action: 'user.login' })
    if (check.verdict !== 'ok' || !account) {
      c.var.metrics?.count('logins_total', {
        outcome: check.verdict === 'wrong' ? 'failed' : 'refused',
      })
      throw check.verdict === 'locked' ? lockedOut(check.until, now()) : refused()
    }
    const result = await asService(db, async (sql) => {
      if (needsSecondFactor(account))
        return { challenge: await openChallenge(sql, meta, { account, deviceId, now: now() }) }
      await audit(sql, meta, { actor: account.id, action: 'user.login', subjectId: account.id })
      return { tokens: await openSession(sql, kit, account, deviceId, meta) }
    })
    c.var.metrics?.count('logins_total', { outcome: result.challenge ? 'second_factor' : 'ok' })
    if (result.challenge) return c.json(await challengeAnswer(c, account.email, result.challenge))
    return c.json({ ...result.tokens, user: publicUser(account) })
  },
)

import { Hono } from 'hono'
import { z } from 'zod'
import { clearLoginFailures, findAccountByEmail, recordLoginFailure } from '../../lib/auth/accounts'
import { emails } from '../../lib/auth/emails'
import { burnPasswordCheck, verifyPassword } from '../../lib/auth/passwords'
import { openSession } from '../../lib/auth/sessions'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { challengeAnswer, openChallenge } from './_lib/second-factor'
import { DeviceHeader, Email, needsSecondFactor, publicUser, sendMail } from './_lib/shared'

export const Body = z.object({ email: Email, password: z.string().min(1).max(1024) })

// Unknown email, wrong password or disabled account: one answer, and a bcrypt check in each case.
const refused = () => new ApiError('INVALID_CREDENTIALS', 'Wrong email or password')
// A lock says so, with the time left: the owner must learn why the right password fails and that a reset
// lifts it. This tells a prober the address has an account only after five failures in a row, each lock mailed.
const lockedOut = (until: Date, now: number) => {
  const retryAfter = Math.max(1, Math.ceil((until.getTime() - now) / 1000))
  return new ApiError('ACCOUNT_LOCKED', 'Too many failed attempts: this account is locked for a while', { retryAfter, until: until.toISOString() })
}

/** Password sign-in: tokens, or a second-factor challenge when 2FA is on (always for admins). */
export default new Hono<AuthEnv>().post('/auth/login', validate('header', DeviceHeader), validate('json', Body), async (c) => {
  const { email, password } = c.req.valid('json')
  const deviceId = c.req.valid('header')['x-device-id']
  const { db, kit, now } = c.var
  const meta = requestMeta(c)
  const account = await asService(db, (sql) => findAccountByEmail(sql, email))
  const usable = account?.status === 'active' && account.passwordHash
  const locked = account?.lockedUntil && account.lockedUntil.getTime() > now()
  if (!usable || locked) {
    await burnPasswordCheck(password, kit.config.BCRYPT_COST)
    await asService(db, (sql) =>
      audit(sql, meta, { actor: account?.id ?? 'anonymous', action: 'user.login', subjectId: account?.id, outcome: 'refused',
        details: { reason: !account ? 'unknown_email' : locked ? 'locked' : 'not_active' } }),
    )
    c.var.metrics?.count('logins_total', { outcome: 'refused' })
    throw locked && account?.lockedUntil ? lockedOut(account.lockedUntil, now()) : refused()
  }
  if (!(await verifyPassword(password, account.passwordHash!))) {
    const lockedUntil = await asService(db, async (sql) => {
      await audit(sql, meta, { actor: account.id, action: 'user.login', subjectId: account.id, outcome: 'failed' })
      const until = await recordLoginFailure(sql, account.id, now())
      if (until) await audit(sql, meta, { actor: 'auth', action: 'user.locked', subjectId: account.id, details: { until } })
      return until
    })
    c.var.metrics?.count('logins_total', { outcome: 'failed' })
    if (lockedUntil) c.var.metrics?.count('lockouts_total')
    if (lockedUntil) await sendMail(c, emails.locked(account.email, lockedUntil))
    throw lockedUntil ? lockedOut(lockedUntil, now()) : refused()
  }
  const wasLocked = account.lockouts > 0 && account.lockedUntil !== null
  const result = await asService(db, async (sql) => {
    await clearLoginFailures(sql, account.id)
    if (wasLocked) await audit(sql, meta, { actor: 'auth', action: 'user.unlocked', subjectId: account.id, details: { by: 'expiry' } })
    if (needsSecondFactor(account)) return { challenge: await openChallenge(sql, meta, { account, deviceId, now: now() }) }
    await audit(sql, meta, { actor: account.id, action: 'user.login', subjectId: account.id })
    return { tokens: await openSession(sql, kit, account, deviceId, meta) }
  })
  c.var.metrics?.count('logins_total', { outcome: result.challenge ? 'second_factor' : 'ok' })
  if (result.challenge) return c.json(await challengeAnswer(c, account.email, result.challenge))
  return c.json({ ...result.tokens, user: publicUser(account) })
})

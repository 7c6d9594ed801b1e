import type { Context } from 'hono'
import {
  type Account,
  clearLoginFailures,
  lockIfExhausted,
  startPasswordCheck,
} from '../../../lib/auth/accounts'
import { emails } from '../../../lib/auth/emails'
import { burnPasswordCheck, passwordWork, verifyPassword } from '../../../lib/auth/passwords'
import { audit } from '../../../lib/db/audit'
import { asService } from '../../../lib/db/tx'
import { ApiError } from '../../../lib/errors'
import { requestMeta } from '../../../lib/request-meta'
import type { AuthEnv } from '../env'
import { sendMail } from './shared'

export type PasswordCheck =
  { verdict: 'ok' | 'wrong' | 'unusable' } | { verdict: 'locked'; until: Date }

// A lock says so, with the time left: the owner must learn why the right password fails and that a reset
// lifts it. This tells a prober the address has an account only after five failures in a row, each lock mailed.
export const lockedOut = (until: Date, now: number) => {
  const retryAfter = Math.max(1, Math.ceil((until.getTime() - now) / 1000))
  return new ApiError(
    'ACCOUNT_LOCKED',
    'Too many failed attempts: this account is locked for a while',
    { retryAfter, until: until.toISOString() },
  )
}

/**
 * The one password check: sign-in, password change, the 2FA switch and account deletion all count toward
 * the same lockout, so a stolen access token buys no more guesses than the sign-in form. Every outcome
 * costs one bcrypt check. `action` names the audit event (user.login, user.password_check).
 */
export const checkPassword = <E extends AuthEnv>(
  c: Context<E>,
  account: Account | null,
  password: string,
  o: { action: string; for?: string },
): Promise<PasswordCheck> =>
  // Admitted before it counts: a check refused for load leaves the account's count as it was.
  passwordWork.run(() => runCheck(c, account, password, o))

async function runCheck<E extends AuthEnv>(
  c: Context<E>,
  account: Account | null,
  password: string,
  o: { action: string; for?: string },
): Promise<PasswordCheck> {
  const { db, kit, now } = c.var
  const meta = requestMeta(c)
  const details = o.for ? { for: o.for } : {}
  const usable =
    account?.status === 'active' && account.passwordHash
      ? { ...account, passwordHash: account.passwordHash }
      : null
  const started = usable
    ? await asService(db, (sql) => startPasswordCheck(sql, usable.id, now()))
    : null
  if (!usable || !started || 'locked' in started) {
    await burnPasswordCheck(password, kit.config.BCRYPT_COST)
    const reason = !account ? 'unknown_email' : !usable ? 'not_active' : 'locked'
    await asService(db, (sql) =>
      audit(sql, meta, {
        actor: account?.id ?? 'anonymous',
        action: o.action,
        subjectId: account?.id,
        outcome: 'refused',
        details: { ...details, reason },
      }),
    )
    return started && 'locked' in started
      ? { verdict: 'locked', until: started.locked }
      : { verdict: 'unusable' }
  }
  if (!(await verifyPassword(password, usable.passwordHash))) {
    const lockedUntil = await asService(db, async (sql) => {
      await audit(sql, meta, {
        actor: usable.id,
        action: o.action,
        subjectId: usable.id,
        outcome: 'failed',
        details,
      })
      const until = await lockIfExhausted(sql, usable.id, started.count, now())
      if (until)
        await audit(sql, meta, {
          actor: 'auth',
          action: 'user.locked',
          subjectId: usable.id,
          details: { until },
        })
      return until
    })
    if (!lockedUntil) return { verdict: 'wrong' }
    c.var.metrics?.count('lockouts_total')
    await sendMail(c, emails.locked(usable.email, lockedUntil))
    return { verdict: 'locked', until: lockedUntil }
  }
  const wasLocked = usable.lockouts > 0 && usable.lockedUntil !== null
  await asService(db, async (sql) => {
    await clearLoginFailures(sql, usable.id)
    if (wasLocked)
      await audit(sql, meta, {
        actor: 'auth',
        action: 'user.unlocked',
        subjectId: usable.id,
        details: { by: 'expiry' },
      })
  })
  return { verdict: 'ok' }
}

/** A signed-in user confirming a change with their password: 403 unless it is right, 429 while locked. */
export async function confirmPassword<E extends AuthEnv>(
  c: Context<E>,
  account: Account | null,
  password: string,
  purpose: string,
) {
  const check = await checkPassword(c, account, password, {
    action: 'user.password_check',
    for: purpose,
  })
  if (check.verdict === 'locked') throw lockedOut(check.until, c.var.now())
  if (check.verdict !== 'ok' || !account) throw new ApiError('FORBIDDEN', 'The password is wrong')
  return account
}

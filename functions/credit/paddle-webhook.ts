import { Hono } from 'hono'
import {
  applySubscription,
  applyTopUp,
  recordPaddleEvent,
  userExists,
} from '../../lib/credit/subscriptions'
import { PaddleEvent, verifyPaddleSignature } from '../../lib/credit/paddle'
import { AUTH_ROLE, deliverRoleChanges, queueRoleChange } from '../../lib/credit/role-outbox'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { issuesOf } from '../../lib/validate'
import type { CreditEnv } from './env'

/**
 * Paddle notifications (forwarded raw by the backend). Verified before anything else; each event_id takes
 * effect once, even when delivered many times at once; the user's new type reaches auth for the next token.
 */
export default new Hono<CreditEnv>().post('/webhooks/paddle', async (c) => {
  const { config, now, db } = c.var
  const raw = await c.req.text()
  const outcome = (o: string) => c.var.metrics?.count('paddle_events_total', { outcome: o })
  if (
    !(await verifyPaddleSignature(
      c.req.header('paddle-signature'),
      raw,
      config.PADDLE_WEBHOOK_SECRETS,
      now(),
    ))
  ) {
    outcome('bad_signature')
    throw new ApiError('UNAUTHORIZED', 'Invalid or missing Paddle-Signature')
  }
  const parsed = PaddleEvent.safeParse(
    (() => {
      try {
        return JSON.parse(raw)
      } catch {
        return null
      }
    })(),
  )
  if (!parsed.success) {
    outcome('malformed')
    throw new ApiError(
      'BAD_REQUEST',
      'Not a Paddle event',
      parsed.error ? issuesOf(parsed.error) : undefined,
    )
  }
  const ev = parsed.data
  const userId = UserId.safeParse(ev.data.custom_data?.user_id).data
  const result = await asService(db, async (sql) => {
    if (!(await recordPaddleEvent(sql, ev, raw))) return { duplicate: true }
    if (!userId || !(await userExists(sql, userId))) return { ignored: 'unknown user' }
    const applied = ev.event_type.startsWith('subscription.')
      ? await applySubscription(sql, config, ev, userId)
      : ev.event_type === 'transaction.completed'
        ? await applyTopUp(sql, config, ev, userId)
        : { ignored: ev.event_type }
    // In this transaction: a committed plan change always reaches auth, however long auth is down.
    if ('userType' in applied && applied.userType)
      await queueRoleChange(sql, userId, {
        kind: 'role',
        body: { role: AUTH_ROLE[applied.userType] },
      })
    return applied
  })
  outcome('duplicate' in result ? 'duplicate' : 'ignored' in result ? 'ignored' : 'applied')
  // At once when auth is up; otherwise the role's outbox worker sends it again until auth confirms.
  if ('userType' in result && result.userType && userId)
    await deliverRoleChanges(c.var, userId).catch((err: Error) =>
      c.var.log.warn('plan change queued for auth', { userId, error: err.message }),
    )
  return c.json({ received: true, ...result })
})

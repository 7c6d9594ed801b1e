import { Hono } from 'hono'
import {
  applySubscription,
  applyTopUp,
  recordPaddleEvent,
  userExists,
} from '../../lib/credit/subscriptions'
import { PaddleEvent, verifyPaddleSignature } from '../../lib/credit/paddle'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { issuesOf } from '../../lib/validate'
import type { CreditEnv } from './env'

const ROLE = { free: 'user', plus: 'plus', premium: 'premium' } as const

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
    if (ev.event_type.startsWith('subscription.')) return applySubscription(sql, config, ev, userId)
    if (ev.event_type === 'transaction.completed') return applyTopUp(sql, config, ev, userId)
    return { ignored: ev.event_type }
  })
  outcome('duplicate' in result ? 'duplicate' : 'ignored' in result ? 'ignored' : 'applied')
  if ('userType' in result && result.userType && userId) {
    const res = await c.var.services
      .call('auth', `/internal/users/${userId}/role`, {
        method: 'PUT',
        body: { role: ROLE[result.userType] },
        requestId: c.var.requestId,
      })
      .catch((err: Error) => ({ ok: false, status: err.message }))
    if (!res.ok)
      c.var.log.error('user type not passed to auth', {
        requestId: c.var.requestId,
        userId,
        status: res.status,
      })
  }
  return c.json({ received: true, ...result })
})

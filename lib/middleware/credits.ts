import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app'
import type { ConfigOf } from '../config'
import { ApiError } from '../errors'
import { named } from './named'

export type CostClass = 'ai.text' | 'ai.image' | 'ai.speech'
const ESTIMATE = { 'ai.text': 'COST_ESTIMATE_AI_TEXT', 'ai.image': 'COST_ESTIMATE_AI_IMAGE', 'ai.speech': 'COST_ESTIMATE_AI_SPEECH' } as const
export const COST_HEADER = 'x-cost-micros'
const KEY = /^[\w.:-]{8,100}$/

/**
 * Before a paid call: hold its estimate (402 when balance − holds − pending is too low). After it: settle at
 * the cost the service reported in X-Cost-Micros, or release the hold if the call failed, so a failed call
 * costs nothing. The settle is durable before the response leaves. An Idempotency-Key header makes a
 * retried request reuse its hold and charge, never charging twice.
 */
export const reserveCredits = (cls: CostClass) =>
  named(`reserveCredits(${cls})`, createMiddleware<AppEnv>(async function reserveCredits(c, next) {
    const { services, user } = c.var
    if (!services || !user) throw new Error('reserveCredits runs after requireUser, with deps.services')
    const clientKey = c.req.header('idempotency-key')
    if (clientKey !== undefined && !KEY.test(clientKey)) throw new ApiError('BAD_REQUEST', 'Idempotency-Key must be 8–100 characters of [A-Za-z0-9_.:-]')
    const amount = (c.var.config as ConfigOf<'backend'>)[ESTIMATE[cls]]
    const key = `hold:${user.id}:${clientKey ?? c.var.requestId}`
    const reserved = await services.call('credit', '/internal/holds', { body: { userId: user.id, amount, key }, requestId: c.var.requestId })
    const hold = (await reserved.json()) as { id: string; status: string; error?: { message: string; details?: unknown } }
    if (reserved.status === 402) throw new ApiError('PAYMENT_REQUIRED', 'Not enough credits for this action', { needed: amount })
    if (!reserved.ok) throw new ApiError('UNAVAILABLE', 'Credits are briefly unavailable; try again shortly', { retryAfter: 5 })
    if (hold.status !== 'open' && hold.status !== 'settled')
      throw new ApiError('CONFLICT', 'This request was abandoned earlier; send it with a new Idempotency-Key')
    await next()
    const cost = Number(c.res.headers.get(COST_HEADER))
    const ok = c.res.ok && Number.isSafeInteger(cost) && cost >= 0
    const done = await services.call('credit', `/internal/holds/${hold.id}/${ok ? 'settle' : 'release'}`, {
      method: 'POST',
      body: ok ? { actual: cost } : undefined,
      requestId: c.var.requestId,
    })
    // A charge we could not record must not be answered as if it had been.
    if (!done.ok && ok) throw new ApiError('UNAVAILABLE', 'The charge could not be recorded; try again with the same Idempotency-Key', { retryAfter: 5 })
  }))

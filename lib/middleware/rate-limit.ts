import { createMiddleware } from 'hono/factory'
import { answerHeader } from '../answer-header'
import type { AppEnv } from '../app'
import type { ConfigOf } from '../config'
import { ApiError } from '../errors'
import type { Kv } from '../kv'
import { createLimiter, type LimitResult } from '../rate-limit'
import { requestMeta } from '../request-meta'
import { deniedKey } from '../revocation'
import { named } from './named'
import { cached } from '../cached'

export type LimitClass = 'standard' | 'ai' | 'public' | 'admin'

const SETTING = {
  standard: 'RATE_LIMIT_STANDARD',
  ai: 'RATE_LIMIT_AI',
  public: 'RATE_LIMIT_PUBLIC',
  admin: 'RATE_LIMIT_ADMIN',
} as const
type Check = (who: string, denyKey?: string) => Promise<LimitResult>
const limiters = new WeakMap<Kv, Map<string, Check>>() // per store, per class

function limiterFor(kv: Kv, cls: LimitClass, config: ConfigOf<'backend'>) {
  const byClass = cached(limiters, kv, () => new Map())
  const { limit, windowS } = config[SETTING[cls]]
  const key = `${cls}:${limit}/${windowS}`
  return cached(byClass, key, () =>
    createLimiter(kv, cls, { limit, windowS, timeoutMs: config.RATE_LIMIT_TIMEOUT_MS }),
  )
}

/**
 * Per user (or per client address on public routes), shared by every backend through Redis. For a signed-in
 * user the same round trip asks whether the token's session was revoked (401, nothing counted). When Redis
 * fails or is slow, AI routes fail closed (503) and the others fail open with a warning; so does the
 * revocation check (a Redis outage must not sign everyone out).
 */
export const rateLimit = (cls: LimitClass) =>
  named(
    `rateLimit(${cls})`,
    createMiddleware<AppEnv>(async function rateLimit(c, next) {
      const { kv, user, metrics, log, requestId } = c.var // one read: Hono copies every variable on each c.var
      const config = c.var.config as ConfigOf<'backend'>
      if (!kv || !(SETTING[cls] in config))
        throw new Error('rateLimit needs the backend config and deps.kv')
      const who = cls === 'public' ? `ip:${requestMeta(c).ip ?? 'unknown'}` : `user:${user?.id}`
      if (cls !== 'public' && !user) throw new Error('rateLimit runs after requireUser')
      const r = await limiterFor(kv, cls, config)(who, user && deniedKey(user.sessionId))
      if (r.revoked) throw new ApiError('UNAUTHORIZED', 'Your session has expired; sign in again')
      if (r.failure && user) {
        metrics?.count('revocation_check_fail_open_total')
        log.warn('revocation check skipped: store unavailable', {
          requestId,
          failure: r.failure,
          failOpen: true,
        })
      }
      if (r.failure) {
        // Closed only when Redis is really down or failing; a slow answer under load is not a reason to refuse.
        if (cls === 'ai' && r.failure !== 'slow')
          throw new ApiError(
            'UNAVAILABLE',
            'AI features are briefly unavailable; try again shortly',
            { retryAfter: 5 },
          )
        metrics?.count('rate_limit_fail_open_total', { class: cls })
        log.warn('rate limit skipped: store unavailable', {
          requestId,
          class: cls,
          failure: r.failure,
          failOpen: true,
        })
        return next()
      }
      const resetS = Math.max(0, Math.ceil((r.resetAt - Date.now()) / 1000))
      answerHeader(c, 'RateLimit-Limit', String(r.limit))
      answerHeader(c, 'RateLimit-Remaining', String(r.remaining))
      answerHeader(c, 'RateLimit-Reset', String(resetS))
      if (!r.allowed) {
        metrics?.count('rate_limit_refusals_total', { class: cls })
        throw new ApiError('RATE_LIMITED', `Too many requests; try again in ${resetS} s`, {
          retryAfter: Math.max(1, resetS),
        })
      }
      await next()
    }),
  )

/**
 * Deletes a user's counters in every class (account erasure). The sliding window keeps
 * `rl:<class>:<who>:<window number>` for the current and previous windows; the next one covers clock skew.
 */
export async function forgetUser(
  kv: Kv,
  config: ConfigOf<'backend'>,
  userId: string,
  now = Date.now(),
) {
  const keys = (['standard', 'ai', 'admin'] as const).flatMap((cls) => {
    const window = Math.floor(now / (config[SETTING[cls]].windowS * 1000))
    return [window - 1, window, window + 1].map((n) => `rl:${cls}:user:${userId}:${n}`)
  })
  await kv.eval(`return redis.call('DEL', unpack(KEYS))`, keys, [])
}

import type { Kv } from './kv'
import type { Logger } from './log'
import type { Metrics } from './metrics'

// Access tokens are stateless for 15 minutes; a deny-list in Redis, keyed by the token's session id (`sid`),
// ends them sooner. Auth writes it when a session ends; the gateway reads it on every request.
const key = (sessionId: string) => `revoked:sid:${sessionId}`
const DENY = `for i, k in ipairs(KEYS) do redis.call('SET', k, '1', 'EX', ARGV[1]) end return #KEYS`
const CHECK = `return redis.call('EXISTS', KEYS[1])`

/** Denies these sessions' access tokens for `ttlS` seconds: as long as any token they hold can live. */
export async function denySessions(kv: Kv, sessionIds: string[], ttlS: number) {
  if (sessionIds.length) await kv.eval(DENY, sessionIds.map(key), [ttlS])
}

/**
 * The gateway's check: true when the session was revoked. When Redis errors or is slower than `timeoutMs`
 * it fails open (logged and counted), like the standard rate limit: a Redis outage must not sign everyone
 * out. Auth's own routes check the session in PostgreSQL, and AI routes fail closed on the limiter.
 */
export function createRevocationCheck(
  kv: Kv,
  o: { timeoutMs: number; log: Logger; metrics?: Metrics },
) {
  return async function isRevoked(sessionId: string, requestId?: string) {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<'timeout'>(
      (ok) => (timer = setTimeout(() => ok('timeout'), o.timeoutMs)),
    )
    try {
      const found = await Promise.race([kv.eval(CHECK, [key(sessionId)], []), late])
      if (found !== 'timeout') return Number(found) === 1
      o.log.warn('revocation check skipped: store too slow', { requestId, failOpen: true })
    } catch (err) {
      o.log.warn('revocation check skipped: store unavailable', {
        requestId,
        failOpen: true,
        error: (err as Error).message,
      })
    } finally {
      clearTimeout(timer)
    }
    o.metrics?.count('revocation_check_fail_open_total')
    return false
  }
}
export type RevocationCheck = ReturnType<typeof createRevocationCheck>

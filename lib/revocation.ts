import type { Kv } from './kv'

// Access tokens are stateless for 15 minutes; a deny-list in Redis, keyed by the token's session id (`sid`),
// ends them sooner. Auth writes it when a session ends; the gateway reads it on every request, in the same
// script as the rate limit (lib/middleware/rate-limit.ts).
export const deniedKey = (sessionId: string) => `revoked:sid:${sessionId}`
const DENY = `for i, k in ipairs(KEYS) do redis.call('SET', k, '1', 'EX', ARGV[1]) end return #KEYS`

/** Denies these sessions' access tokens for `ttlS` seconds: as long as any token they hold can live. */
export async function denySessions(kv: Kv, sessionIds: string[], ttlS: number) {
  if (sessionIds.length) await kv.eval(DENY, sessionIds.map(deniedKey), [ttlS])
}

export type BreakerState = 'closed' | 'open' | 'half-open'

/**
 * Whether an answer means the role called is itself failing: a 502/503/504 from something between us and it
 * (a proxy, a load balancer). An answer of the role's own app (it carries the role's X-Request-Id) never
 * counts: a role that answers is up, and its errors are about one request or about what stands behind it
 * (an AI provider, which the AI role guards with a breaker of its own, or load it sheds at once). A client
 * whose requests make a role answer 5xx must never open a breaker for everyone. Network errors and timeouts
 * count where the call is made.
 */
export const upstreamFailed = (res: Response) =>
  (res.status === 502 || res.status === 503 || res.status === 504) &&
  !res.headers.has('x-request-id')

/** A provider's 4xx that one request's content caused; a bad key (401/403), timeout or quota (429) is its health. */
export const requestRefused = (status?: number) =>
  status !== undefined && status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status)

/**
 * A circuit breaker per upstream: after `threshold` consecutive failures it opens for `cooldownMs`, so
 * callers fail at once instead of waiting on a dead service; then one trial call decides (half-open).
 */
export function createBreaker(
  o: { threshold?: number; cooldownMs?: number; now?: () => number } = {},
) {
  const threshold = o.threshold ?? 3
  const cooldownMs = o.cooldownMs ?? 10_000
  const now = o.now ?? Date.now
  let failures = 0
  let openedAt = -Infinity
  let trial = false

  return {
    state(): BreakerState {
      if (failures < threshold) return 'closed'
      return now() - openedAt >= cooldownMs ? 'half-open' : 'open'
    },
    /** Whether a call may go out now; in half-open only one trial at a time does. */
    allow(): boolean {
      const s = this.state()
      if (s === 'closed') return true
      if (s === 'open' || trial) return false
      trial = true
      return true
    },
    /** Milliseconds until the next trial, for Retry-After. */
    retryInMs: () => Math.max(0, cooldownMs - (now() - openedAt)),
    success() {
      failures = 0
      trial = false
    },
    failure() {
      trial = false
      failures++
      if (failures >= threshold) openedAt = now()
    },
  }
}
export type Breaker = ReturnType<typeof createBreaker>

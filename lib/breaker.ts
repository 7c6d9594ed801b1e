export type BreakerState = 'closed' | 'open' | 'half-open'

/**
 * Whether an answer means the upstream itself is failing: 502/503/504, as a proxy or the role says when it
 * cannot work. A 500 or a 4xx comes from one request (a client's bad input must never open a breaker for
 * everyone); network errors and timeouts count where the call is made.
 */
export const upstreamFailed = (status: number) => status === 502 || status === 503 || status === 504

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

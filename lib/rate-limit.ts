import { Ratelimit } from '@upstash/ratelimit'
import type { Redis } from '@upstash/redis'
import type { Kv } from './kv'

export type LimitOptions = { limit: number; windowS: number; timeoutMs?: number }
export type LimitResult = {
  allowed: boolean
  limit: number
  remaining: number
  resetAt: number
  /**
   * Set when the store could not answer in time: `slow` while it answered other checks lately (this process
   * is busy), `timeout` when it has not answered for seconds, `error` when it refused or the connection failed.
   */
  failure?: 'slow' | 'timeout' | 'error'
}

const hex = (buf: ArrayBuffer) =>
  Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('')
const sha1 = async (text: string) =>
  hex(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text)))

// @upstash/ratelimit >= 2.1 starts its scripts with `#!lua flags=allow-key-locking`, which Redis 7.0
// rejects. Strip it on EVAL and map the library's sha to the sha Redis knows.
function scriptAdapter(kv: Kv) {
  const strippedSha = new Map<string, string>()
  return {
    async evalsha(sha: string, keys: string[], args: unknown[]) {
      const known = strippedSha.get(sha)
      if (!known)
        throw new Error('NOSCRIPT No matching script (not loaded through this adapter yet)')
      return kv.evalsha(known, keys, args)
    },
    async eval(script: string, keys: string[], args: unknown[]) {
      const body = script.replace(/^#!lua[^\n]*\n/, '')
      strippedSha.set(await sha1(script), await sha1(body))
      return kv.eval(body, keys, args)
    },
  }
}

/** A sliding-window limiter shared by every instance using the same store and name. */
// A store that answered some check within this long is up: a check slower than the timeout then means this
// process is busy (its event loop late to read the answer), not that Redis is gone.
const ALIVE_MS = 5000
const answeredAt = new WeakMap<Kv, number>() // per store: any limiter's answer shows it is up

/** A sliding-window limiter shared by every instance using the same store and name. */
export function createLimiter(kv: Kv, name: string, opts: LimitOptions) {
  if (!Number.isInteger(opts.limit) || opts.limit < 1)
    throw new Error(`limit for ${name} must be ≥ 1`)
  const limiter = new Ratelimit({
    redis: scriptAdapter(kv) as unknown as Redis,
    limiter: Ratelimit.slidingWindow(opts.limit, `${opts.windowS} s`),
    prefix: `rl:${name}`,
    timeout: 0, // ours below: a late answer still counts as a sign of life
    ephemeralCache: false, // instances must agree; a per-process cache would drift from Redis
    analytics: false,
  })
  const timeoutMs = opts.timeoutMs ?? 1000
  return async function check(id: string): Promise<LimitResult> {
    const base = { limit: opts.limit, remaining: 0, resetAt: Date.now() + opts.windowS * 1000 }
    const answer = limiter.limit(id).then((r) => (answeredAt.set(kv, Date.now()), r))
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<null>((ok) => (timer = setTimeout(() => ok(null), timeoutMs)))
    try {
      const r = await Promise.race([answer, late])
      if (r) return { allowed: r.success, limit: r.limit, remaining: r.remaining, resetAt: r.reset }
      answer.catch(() => {}) // settles later; only its time matters now
      return {
        ...base,
        allowed: false,
        failure: Date.now() - (answeredAt.get(kv) ?? -Infinity) < ALIVE_MS ? 'slow' : 'timeout',
      }
    } catch {
      return { ...base, allowed: false, failure: 'error' }
    } finally {
      clearTimeout(timer)
    }
  }
}

import type { Kv } from './kv'

export type LimitOptions = { limit: number; windowS: number; timeoutMs?: number }
export type LimitResult = {
  allowed: boolean
  limit: number
  remaining: number
  resetAt: number
  /** The session named by the check's deny key was revoked: nothing was counted. */
  revoked?: boolean
  /**
   * Set when the store could not answer in time: `slow` while it answered other checks lately (this process
   * is busy), `timeout` when it has not answered for seconds, `error` when it refused or the connection failed.
   */
  failure?: 'slow' | 'timeout' | 'error'
}

// One round trip per request: the deny-list key (when given) and then the sliding window of
// @upstash/ratelimit (same algorithm and keys: `<prefix>:<who>:<window number>`, the previous window weighted
// by what is left of it). A denied session counts nothing.
const SCRIPT = `if KEYS[3] and redis.call('EXISTS', KEYS[3]) == 1 then return {0, 1} end
local limit, now, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = math.floor((1 - (now % window) / window) * tonumber(redis.call('GET', KEYS[2]) or '0'))
if previous + current >= limit then return {-1, 0} end
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], window * 2 + 1000) end
return {limit - count - previous, 0}`

const hex = (buf: ArrayBuffer) =>
  Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('')
const scriptSha = crypto.subtle
  .digest('SHA-1', new TextEncoder().encode(SCRIPT))
  .then((d) => hex(d))

/** EVALSHA, and EVAL once the store does not know the script yet (a new or restarted Redis). */
async function runScript(kv: Kv, keys: string[], args: unknown[]) {
  try {
    return await kv.evalsha(await scriptSha, keys, args)
  } catch (err) {
    if (!String((err as Error)?.message).includes('NOSCRIPT')) throw err
    return kv.eval(SCRIPT, keys, args)
  }
}

// A store that answered some check within this long is up: a check slower than the timeout then means this
// process is busy (its event loop late to read the answer), not that Redis is gone.
const ALIVE_MS = 5000
const answeredAt = new WeakMap<Kv, number>() // per store: any limiter's answer shows it is up

/**
 * A sliding-window limiter shared by every instance using the same store and name. `check(who, denyKey)`
 * also asks, in the same script, whether `denyKey` exists (a revoked session) and then counts nothing.
 */
export function createLimiter(kv: Kv, name: string, opts: LimitOptions) {
  if (!Number.isInteger(opts.limit) || opts.limit < 1)
    throw new Error(`limit for ${name} must be ≥ 1`)
  const windowMs = opts.windowS * 1000
  const timeoutMs = opts.timeoutMs ?? 1000
  return async function check(who: string, denyKey?: string): Promise<LimitResult> {
    const now = Date.now()
    const window = Math.floor(now / windowMs)
    const prefix = `rl:${name}:${who}:`
    const keys = [`${prefix}${window}`, `${prefix}${window - 1}`]
    if (denyKey) keys.push(denyKey)
    const base = { limit: opts.limit, remaining: 0, resetAt: (window + 1) * windowMs }
    const answer = runScript(kv, keys, [opts.limit, now, windowMs]).then(
      (r) => (answeredAt.set(kv, Date.now()), r as [number, number]),
    )
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<null>((ok) => (timer = setTimeout(() => ok(null), timeoutMs)))
    try {
      const r = await Promise.race([answer, late])
      if (r) {
        const [remaining, revoked] = r.map(Number)
        if (revoked) return { ...base, allowed: false, revoked: true }
        return { ...base, allowed: remaining >= 0, remaining: Math.max(0, remaining) }
      }
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

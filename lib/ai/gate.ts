import { ApiError } from '../errors'

/**
 * Per-plugin admission: `concurrency` calls run, `queue` more wait, the rest are refused at once with 503 and
 * Retry-After; at most `rpm` calls start per minute (beyond: 429). Nothing waits without a bound.
 */
export function createGate(o: {
  concurrency: number
  queue: number
  rpm: number
  now?: () => number
}) {
  const now = o.now ?? Date.now
  let running = 0
  const waiting: (() => void)[] = []
  const starts: number[] = []

  return {
    get depth() {
      return waiting.length
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      while (starts.length && now() - starts[0] > 60_000) starts.shift()
      if (starts.length >= o.rpm)
        throw new ApiError('RATE_LIMITED', 'This AI provider is busy; try again shortly', {
          retryAfter: Math.ceil((60_000 - (now() - starts[0])) / 1000),
        })
      if (running >= o.concurrency) {
        if (waiting.length >= o.queue)
          throw new ApiError('UNAVAILABLE', 'Too many AI requests right now; try again shortly', {
            retryAfter: 2,
          })
        await new Promise<void>((ok) => waiting.push(ok)) // the finishing call hands its slot over
      } else running++
      starts.push(now())
      try {
        return await fn()
      } finally {
        const next = waiting.shift()
        if (next) next()
        else running--
      }
    },
  }
}
export type Gate = ReturnType<typeof createGate>

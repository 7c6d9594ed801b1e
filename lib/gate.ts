import { ApiError } from './errors'

/**
 * Admission for costly work (an AI plugin's calls, auth's password hashing): `concurrency` run, `queue` more
 * wait (each at most `maxWaitMs`), the rest are refused at once with 503 and Retry-After (`busy` says what
 * is busy); at most `rpm` start per minute (beyond: 429). Nothing waits without a bound.
 */
export function createGate(o: {
  concurrency: number
  queue: number
  rpm?: number
  /** How long one may wait in the queue before it is refused too (unbounded when unset). */
  maxWaitMs?: number
  busy?: string
  now?: () => number
}) {
  const rpm = o.rpm ?? Infinity
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
      if (starts.length >= rpm)
        throw new ApiError('RATE_LIMITED', 'This AI provider is busy; try again shortly', {
          retryAfter: Math.ceil((60_000 - (now() - starts[0])) / 1000),
        })
      const busy = () =>
        new ApiError('UNAVAILABLE', o.busy ?? 'Too many requests right now; try again shortly', {
          retryAfter: 2,
        })
      if (running >= o.concurrency) {
        if (waiting.length >= o.queue) throw busy()
        // The finishing call hands its slot over; one that waited `maxWaitMs` for it gives up.
        await new Promise<void>((ok, fail) => {
          const timer =
            o.maxWaitMs === undefined
              ? undefined
              : setTimeout(
                  () => (waiting.splice(waiting.indexOf(take), 1), fail(busy())),
                  o.maxWaitMs,
                )
          const take = () => (clearTimeout(timer), ok())
          waiting.push(take)
        })
      } else running++
      if (rpm !== Infinity) starts.push(now())
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

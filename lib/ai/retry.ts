import { statusOf } from './types'

const retryable = (err: unknown) => {
  const s = statusOf(err)
  return s === 429 || (s !== undefined && s >= 500)
}

/** Retries a provider's 429 and 5xx with exponential backoff, all within one deadline. */
export async function withRetry<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (let attempt = 0; ; attempt++) {
    const left = deadline - Date.now()
    try {
      return await fn(AbortSignal.timeout(Math.max(1, left)))
    } catch (err) {
      const wait = 100 * 2 ** attempt
      if (!retryable(err) || Date.now() + wait >= deadline) throw err
      await new Promise((r) => setTimeout(r, wait))
    }
  }
}

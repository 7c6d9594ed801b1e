/** The classes of paid calls, and how long each may run at most (its service's timeout). */
export type CostClass = 'ai.text' | 'ai.image' | 'ai.speech'
export const PAID_TIMEOUT_MS: Record<CostClass, number> = {
  'ai.text': 30_000,
  'ai.image': 60_000,
  'ai.speech': 60_000,
}

/** How long the backend keeps trying to record a charge when the credit role does not answer. */
export const SETTLE_RETRY_MS = 15_000

/**
 * A hold must outlive the slowest paid call, the settle's retries and a margin (the card's own reads and
 * writes, clock skew between roles); a shorter HOLD_TTL_S would expire holds of calls still running.
 */
export const MIN_HOLD_TTL_S =
  Math.max(...Object.values(PAID_TIMEOUT_MS)) / 1000 + SETTLE_RETRY_MS / 1000 + 15

import type { ConfigOf } from '../config'
import type { Db } from '../db/db'
import { asService } from '../db/tx'
import type { Logger } from '../log'
import type { Metrics } from '../metrics'
import { fitLearner, type Optimiser } from './fsrs-weights'
import {
  FSRS_FIT_MIN_REVIEWS,
  FSRS_REFIT_EVERY_MS,
  FSRS_REFIT_LEASE_MS,
  FSRS_REFIT_MORE_REVIEWS,
} from './limits'

type RefitDeps = {
  db: Db
  optimiser: Optimiser
  config: Pick<ConfigOf<'backend'>, 'FSRS_REFIT_INTERVAL_S' | 'FSRS_REFIT_BATCH'>
  log: Logger
  metrics?: Metrics
  now?: () => number
}

/**
 * One pass: leases up to FSRS_REFIT_BATCH learners due a fit (migration 0025: none yet, or the last one older
 * than a month or 4,000 reviews ago) and fits each in turn. A failure is logged and counted, and that learner
 * waits out the lease. Returns how many were fitted.
 */
export async function refitDueLearners(deps: RefitDeps) {
  const { db, optimiser, log, metrics } = deps
  const now = new Date(deps.now?.() ?? Date.now())
  const due = await asService(db, (sql) =>
    sql<{ user_id: string }>(
      `select content.claim_fsrs_refits($1, $2, $3, $4, $5 * interval '1 ms', $6 * interval '1 ms') as user_id`,
      [
        now,
        deps.config.FSRS_REFIT_BATCH,
        FSRS_FIT_MIN_REVIEWS,
        FSRS_REFIT_MORE_REVIEWS,
        FSRS_REFIT_EVERY_MS,
        FSRS_REFIT_LEASE_MS,
      ],
    ),
  )
  let fitted = 0
  for (const { user_id: userId } of due) {
    try {
      const fit = await fitLearner(db, optimiser, userId, now)
      metrics?.count('fsrs_refits_total', { outcome: 'fitted' })
      log.info('fsrs refit', { userId, reviews: fit.reviews, inUse: fit.inUse })
      fitted++
    } catch (err) {
      metrics?.count('fsrs_refits_total', { outcome: 'failed' })
      log.error('fsrs refit failed', { userId, error: String(err) })
    }
  }
  return fitted
}

/**
 * Every backend instance on Node runs a pass each FSRS_REFIT_INTERVAL_S (the binding does not run in workerd);
 * passes never overlap. Returns the stop function, which waits for a pass under way.
 */
export function startFsrsRefits(deps: RefitDeps) {
  let running: Promise<unknown> | null = null
  const timer = setInterval(() => {
    running ??= refitDueLearners(deps)
      .catch((err: Error) => deps.log.error('fsrs refit pass failed', { error: err.message }))
      .finally(() => (running = null))
  }, deps.config.FSRS_REFIT_INTERVAL_S * 1000)
  return async () => {
    clearInterval(timer)
    await running
  }
}

import type { ConfigOf } from '../config'
import type { Db } from '../db/db'
import { asService } from '../db/tx'
import type { Logger } from '../log'
import type { Metrics } from '../metrics'
import { expireDueHolds } from './holds'
import { pruneKeys } from './idempotency'

const BATCH = 500

type SweepDeps = {
  db: Db
  config: ConfigOf<'credit'>
  log: Logger
  metrics?: Metrics
  now?: () => number
}

/**
 * One sweep: expires holds past their expiry (so no hold waits for its user's next call to be freed) and
 * forgets idempotency keys older than IDEMPOTENCY_KEEP_S, a batch at a time until none is left.
 */
export async function sweep(deps: SweepDeps) {
  const { db, config, log, metrics } = deps
  const now = deps.now ?? Date.now
  try {
    let n: number
    do {
      n = await asService(db, (sql) => expireDueHolds(sql, now(), BATCH))
      if (n) metrics?.count('credit_holds_total', { outcome: 'expired' }, n)
    } while (n === BATCH)
    while (
      (await asService(db, (sql) => pruneKeys(sql, now(), config.IDEMPOTENCY_KEEP_S, BATCH))) ===
      BATCH
    );
  } catch (err) {
    log.error('hold sweep failed', { error: String(err) })
  }
}

/**
 * On Node, every credit instance sweeps every HOLD_SWEEP_INTERVAL_S (in workerd a cron trigger calls `sweep`).
 * Returns the stop function.
 */
export function startSweeper(deps: SweepDeps) {
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    await sweep(deps).finally(() => (running = false))
  }
  const timer = setInterval(() => void tick(), deps.config.HOLD_SWEEP_INTERVAL_S * 1000)
  return () => clearInterval(timer)
}

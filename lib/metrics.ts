import { PLUGIN_IDS } from './ai/types'

/**
 * Counters, the role that bumps each, and every value each label takes: each series is exported from 0 at
 * start, so `increase()` sees the first event (a series born at 1 has increased by nothing). Names follow
 * Prometheus conventions (base units, `_total`).
 */
export const COUNTERS = {
  rate_limit_refusals_total: { role: 'backend', labels: { class: ['standard', 'ai', 'public'] } },
  rate_limit_fail_open_total: { role: 'backend', labels: { class: ['standard', 'public'] } }, // AI fails closed
  logins_total: { role: 'auth', labels: { outcome: ['ok', 'second_factor', 'failed', 'refused'] } },
  lockouts_total: { role: 'auth', labels: {} },
  refresh_reuse_total: { role: 'auth', labels: {} },
  revocation_check_fail_open_total: { role: 'backend', labels: {} },
  revocation_write_failures_total: { role: 'auth', labels: {} },
  ai_calls_total: {
    role: 'ai',
    labels: { plugin: PLUGIN_IDS, outcome: ['ok', 'failed', 'malformed'], cache: ['hit', 'miss'] },
  },
  ai_cost_micro_euros_total: { role: 'ai', labels: { plugin: PLUGIN_IDS } },
  credit_holds_total: {
    role: 'credit',
    labels: { outcome: ['reserved', 'refused', 'settled', 'released', 'expired'] },
  },
  credit_overruns_total: { role: 'credit', labels: {} },
  credit_role_outbox_total: {
    role: 'credit',
    labels: { outcome: ['delivered', 'retried', 'dropped'] },
  },
  fsrs_refits_total: { role: 'backend', labels: { outcome: ['fitted', 'failed'] } },
  paddle_events_total: {
    role: 'credit',
    labels: { outcome: ['applied', 'duplicate', 'ignored', 'bad_signature', 'malformed'] },
  },
} as const satisfies Record<string, { role: string; labels: Record<string, readonly string[]> }>
export type CounterName = keyof typeof COUNTERS

/** Gauges read when Prometheus scrapes (from the database or memory), so they never drift; a role exports
 * only those it registers a reader for. */
export const GAUGES = {
  credit_pending_micro_euros: {
    help: 'accepted micro-charges not yet flushed into the ledger',
    labels: [],
  },
  credit_held_micro_euros: { help: 'credits held by open holds', labels: [] },
  credit_role_outbox_depth: { help: 'plan changes waiting to reach auth', labels: [] },
  credit_role_outbox_oldest_seconds: {
    help: 'how long the oldest plan change has waited to reach auth',
    labels: [],
  },
  ai_queue_depth: { help: 'calls waiting for a provider slot', labels: ['plugin'] },
  dependency_up: {
    help: 'whether a dependency of the role answered its readiness check (1) or not (0)',
    labels: ['dependency'],
  },
  backup_last_success_timestamp_seconds: {
    help: 'when the newest database backup finished',
    labels: [],
  },
} as const
export type GaugeName = keyof typeof GAUGES
export type GaugeReading = { labels?: Record<string, string>; value: number }[]

/** Metrics as handlers see them; the Node adapter backs it with prom-client (lib/node/metrics.ts). */
export interface Metrics {
  observeRequest(r: { method: string; route: string; status: number; seconds: number }): void
  count(name: CounterName, labels?: Record<string, string>, by?: number): void
  /** Registers how to read a gauge at scrape time (the last registration wins). */
  gauge(name: GaugeName, read: () => Promise<GaugeReading> | GaugeReading): void
  render(): Promise<{ contentType: string; body: string }>
}

/** Counters every role may bump; names follow Prometheus conventions (base units, `_total`). */
export const COUNTERS = {
  rate_limit_refusals_total: ['class'],
  rate_limit_fail_open_total: ['class'],
  logins_total: ['outcome'],
  lockouts_total: [],
  refresh_reuse_total: [],
  ai_calls_total: ['plugin', 'outcome', 'cache'],
  ai_cost_micro_euros_total: ['plugin'],
  credit_holds_total: ['outcome'],
  paddle_events_total: ['outcome'],
} as const
export type CounterName = keyof typeof COUNTERS

/** Gauges read when Prometheus scrapes (from the database or memory), so they never drift. */
export const GAUGES = {
  credit_pending_micro_euros: { help: 'accepted micro-charges not yet flushed into the ledger', labels: [] },
  credit_held_micro_euros: { help: 'credits held by open holds', labels: [] },
  ai_queue_depth: { help: 'calls waiting for a provider slot', labels: ['plugin'] },
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

/** Counters every role may bump; names follow Prometheus conventions (base units, `_total`). */
export const COUNTERS = {
  rate_limit_refusals_total: ['class'],
  rate_limit_fail_open_total: ['class'],
  logins_total: ['outcome'],
  lockouts_total: [],
  refresh_reuse_total: [],
  ai_calls_total: ['plugin', 'outcome', 'cache'],
  ai_cost_micro_euros_total: ['plugin'],
} as const
export type CounterName = keyof typeof COUNTERS

/** Metrics as handlers see them; the Node adapter backs it with prom-client (lib/node/metrics.ts). */
export interface Metrics {
  observeRequest(r: { method: string; route: string; status: number; seconds: number }): void
  count(name: CounterName, labels?: Record<string, string>, by?: number): void
  render(): Promise<{ contentType: string; body: string }>
}

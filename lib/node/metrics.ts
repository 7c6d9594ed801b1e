import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { COUNTERS, type CounterName, GAUGES, type GaugeName, type GaugeReading, type Metrics } from '../metrics'

/** One registry per role (several roles may share a process locally), with Node's default metrics. */
export function createNodeMetrics(role: string): Metrics {
  const registry = new Registry()
  registry.setDefaultLabels({ role })
  collectDefaultMetrics({ register: registry })
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] })
  const duration = new Histogram({
    name: 'http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status'], registers: [registry],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  })
  const counters = Object.fromEntries(
    Object.entries(COUNTERS).map(([name, labels]) => [name, new Counter({ name, help: name.replace(/_/g, ' '), labelNames: [...labels], registers: [registry] })]),
  ) as Record<CounterName, Counter>
  const readers = new Map<GaugeName, () => Promise<GaugeReading> | GaugeReading>()
  for (const [name, g] of Object.entries(GAUGES) as [GaugeName, (typeof GAUGES)[GaugeName]][]) {
    new Gauge({
      name, help: g.help, labelNames: [...g.labels], registers: [registry],
      async collect() {
        const read = readers.get(name)
        if (!read) return
        this.reset()
        for (const r of await read()) this.set(r.labels ?? {}, r.value)
      },
    })
  }
  return {
    observeRequest({ method, route, status, seconds }) {
      const labels = { method, route, status: String(status) }
      requests.inc(labels)
      duration.observe(labels, seconds)
    },
    count: (name, labels = {}, by = 1) => counters[name].inc(labels, by),
    gauge: (name, read) => void readers.set(name, read),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  }
}

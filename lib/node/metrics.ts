import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import {
  COUNTERS,
  type CounterName,
  GAUGES,
  type GaugeName,
  type GaugeReading,
  type Metrics,
} from '../metrics'

/** Every assignment of one value to each label: {a: [1, 2], b: [x]} → {a: 1, b: x}, {a: 2, b: x}. */
const everyCombination = (labels: Record<string, readonly string[]>) =>
  Object.entries(labels).reduce<Record<string, string>[]>(
    (acc, [k, values]) => acc.flatMap((a) => values.map((v) => ({ ...a, [k]: v }))),
    [{}],
  )

/** One registry per role (several roles may share a process locally), with Node's default metrics. */
export function createNodeMetrics(role: string): Metrics {
  const registry = new Registry()
  registry.setDefaultLabels({ role })
  collectDefaultMetrics({ register: registry })
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  })
  const counters = {} as Record<CounterName, Counter>
  for (const [name, c] of Object.entries(COUNTERS) as [
    CounterName,
    (typeof COUNTERS)[CounterName],
  ][]) {
    if (c.role !== role) continue
    const labels: Record<string, readonly string[]> = c.labels
    const counter = new Counter({
      name,
      help: name.replace(/_/g, ' '),
      labelNames: Object.keys(labels),
      registers: [registry],
    })
    for (const combination of everyCombination(labels)) counter.inc(combination, 0)
    counters[name] = counter
  }
  const readers = new Map<GaugeName, () => Promise<GaugeReading> | GaugeReading>()
  const gaugeOf = (name: GaugeName) =>
    new Gauge({
      name,
      help: GAUGES[name].help,
      labelNames: [...GAUGES[name].labels],
      registers: [registry],
      async collect() {
        this.reset()
        // A reading that fails (the database is down) leaves the gauge empty for this scrape instead of failing
        // the scrape, which would read as the role being down.
        const read = readers.get(name)
        const readings = read ? await Promise.resolve(read()).catch(() => []) : []
        for (const r of readings) this.set(r.labels ?? {}, r.value)
      },
    })
  return {
    observeRequest({ method, route, status, seconds }) {
      const labels = { method, route, status: String(status) }
      requests.inc(labels)
      duration.observe(labels, seconds)
    },
    count: (name, labels = {}, by = 1) => counters[name]?.inc(labels, by),
    gauge(name, read) {
      if (!readers.has(name)) gaugeOf(name)
      readers.set(name, read)
    },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  }
}

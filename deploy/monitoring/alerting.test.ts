import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { ROLES } from '../../lib/config'
import { freePort } from '../../test/loopback'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

// Debian's Prometheus and AlertManager with the shipped rules, routes and inhibit rules, scraping real roles:
// a role that dies reaches AlertManager as ServiceDown, and the alerts it causes are inhibited by its labels.
// Changed for the test: addresses, a 1 s scrape and evaluation, and every rule's `for` cut to 1 s (the unit
// tests in rules.test.yml hold the real durations).
const HERE = import.meta.dirname
let dir: string
let p: PlatformHarness
const procs: ChildProcess[] = []
let am: string

async function until<T>(f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 250))
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lingudesk-alerting-'))
  p = await platformHarness()
  const [promPort, amPort] = [await freePort(), await freePort()]
  am = `http://127.0.0.1:${amPort}/api/v2`
  const rules = (await readFile(join(HERE, 'rules.yml'), 'utf8')).replace(
    /^(\s+)for: \S+$/gm,
    '$1for: 1s',
  )
  await writeFile(join(dir, 'rules.yml'), rules)
  const shipped = parse(await readFile(join(HERE, 'prometheus.yml'), 'utf8'))
  const job = shipped.scrape_configs.find((j: { job_name: string }) => j.job_name === 'lingudesk')
  job.static_configs = (['backend', 'auth', 'credit'] as const).map((role) => ({
    targets: [new URL(p[role].url).host],
    labels: { role },
  }))
  const config = {
    ...shipped,
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
    scrape_configs: [job],
  }
  await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config)) // JSON is YAML
  const run = (cmd: string, args: string[]) => procs.push(spawn(cmd, args, { stdio: 'ignore' }))
  run('prometheus-alertmanager', [
    `--config.file=${join(HERE, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'am')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ])
  run('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
  ])
  await until(async () => ((await fetch(`${am}/status`)).ok ? true : undefined))
}, 60_000)

afterAll(async () => {
  for (const proc of procs) proc.kill('SIGKILL')
  await p?.close()
  await rm(dir, { recursive: true, force: true })
})

type Alert = { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }
const alerts = async () => (await (await fetch(`${am}/alerts`)).json()) as Alert[]

// Debian builds Prometheus without kubernetes_sd (promtool: "field kubernetes_sd_configs not found in type
// config.ScrapeConfig"), so the cluster's scrape config runs with its discovery swapped for file_sd holding the
// labels kubernetes_sd gives each pod and node: a pod's `app` label and prometheus.io annotations as the shipped
// Deployments set them, its address and port those of the real roles here (ai and the node: nothing listens).
// The shipped relabelling then decides, in Prometheus itself, what is scraped and how it is labelled.
describe('Prometheus in the cluster (prometheus.k8s.yml)', () => {
  it('scrapes the pods annotated for it, labelled by role and pod, and one node exporter per node', async () => {
    const shipped = parse(await readFile(join(HERE, 'prometheus.k8s.yml'), 'utf8'))
    const meta = (o: Record<string, string>, prefix: string) =>
      Object.fromEntries(
        Object.entries(o).map(([k, v]) => [prefix + k.replace(/[^a-zA-Z0-9_]/g, '_'), v]),
      )
    const ports: Record<string, string> = {
      backend: new URL(p.backend.url).port,
      auth: new URL(p.auth.url).port,
      credit: new URL(p.credit.url).port,
    }
    const pods = await Promise.all(
      ROLES.map(async (role) => {
        const docs = parseAllDocuments(
          await readFile(join(HERE, '..', 'k8s', `${role}.yaml`), 'utf8'),
        )
        const deployment = docs.map((d) => d.toJS()).find((d) => d.kind === 'Deployment')
        const { labels, annotations } = deployment.spec.template.metadata
        return {
          targets: ['discovered'],
          labels: {
            __meta_kubernetes_pod_ip: '127.0.0.1',
            __meta_kubernetes_pod_name: `${role}-0`,
            ...meta(labels, '__meta_kubernetes_pod_label_'),
            ...meta(annotations, '__meta_kubernetes_pod_annotation_'),
            ...(ports[role] && {
              __meta_kubernetes_pod_annotation_prometheus_io_port: ports[role],
            }),
          },
        }
      }),
    )
    const node = {
      targets: ['discovered'],
      labels: {
        __meta_kubernetes_node_name: 'node-a',
        __meta_kubernetes_node_address_InternalIP: '127.0.0.1',
      },
    }
    const sd = { lingudesk: pods, node: [node] } as Record<string, unknown>
    for (const job of shipped.scrape_configs) {
      await writeFile(join(dir, `${job.job_name}.sd.json`), JSON.stringify(sd[job.job_name]))
      delete job.kubernetes_sd_configs
      job.file_sd_configs = [{ files: [join(dir, `${job.job_name}.sd.json`)] }]
    }
    const port = await freePort()
    await writeFile(
      join(dir, 'prometheus.k8s.yml'),
      JSON.stringify({ global: { scrape_interval: '1s' }, scrape_configs: shipped.scrape_configs }),
    )
    procs.push(
      spawn(
        'prometheus',
        [
          `--config.file=${join(dir, 'prometheus.k8s.yml')}`,
          `--storage.tsdb.path=${join(dir, 'tsdb-k8s')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      ),
    )
    type Target = { labels: Record<string, string>; health: string }
    const targets = await until(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/targets`)
      const { data } = (await res.json()) as { data: { activeTargets: Target[] } }
      const active = data.activeTargets
      return active.length === 5 && active.every((t) => t.health !== 'unknown') ? active : undefined
    })
    const seen = targets
      .map((t) => [t.labels.job, t.labels.role ?? t.labels.node, t.labels.instance, t.health])
      .sort()
    expect(seen).toEqual(
      [
        ['lingudesk', 'ai', '127.0.0.1:8084', expect.any(String)],
        ['lingudesk', 'auth', `127.0.0.1:${ports.auth}`, 'up'],
        ['lingudesk', 'backend', `127.0.0.1:${ports.backend}`, 'up'],
        ['lingudesk', 'credit', `127.0.0.1:${ports.credit}`, 'up'],
        ['node', 'node-a', '127.0.0.1:9100', expect.any(String)],
      ].sort(),
    )
    expect(targets.find((t) => t.labels.role === 'backend')?.labels.pod).toBe('backend-0')
  })
})

describe('Prometheus and AlertManager as shipped', () => {
  it('pages ServiceDown for a role that dies, and inhibits the alerts it causes', async () => {
    await p.credit.close() // the role dies: its port stops answering
    const down = await until(async () =>
      (await alerts()).find((a) => a.labels.alertname === 'ServiceDown'),
    )
    expect(down.labels).toMatchObject({
      alertname: 'ServiceDown',
      role: 'credit',
      severity: 'page',
      job: 'lingudesk',
    })
    expect(down.status.state).toBe('active')
    expect(
      (await alerts())
        .filter((a) => a.labels.alertname === 'ServiceDown')
        .map((a) => a.labels.role),
    ).toEqual(['credit'])

    // What Prometheus would send next, as its rules label them: credit's own errors, and the gateway's 5xx.
    const post = (labels: Record<string, string>) => ({
      labels: { severity: 'page', ...labels },
      startsAt: new Date().toISOString(),
    })
    const sent = await fetch(`${am}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        post({ alertname: 'HighErrorRate', role: 'credit' }),
        post({ alertname: 'HighErrorRate', role: 'backend' }),
        post({ alertname: 'HighErrorRate', role: 'auth' }),
      ]),
    })
    expect(sent.status).toBe(200)
    const states = await until(async () => {
      const errs = (await alerts()).filter((a) => a.labels.alertname === 'HighErrorRate')
      return errs.length === 3
        ? Object.fromEntries(errs.map((a) => [a.labels.role, a.status.state]))
        : undefined
    })
    expect(states).toEqual({ credit: 'suppressed', backend: 'suppressed', auth: 'active' })
  })
})

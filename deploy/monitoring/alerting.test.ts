import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
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

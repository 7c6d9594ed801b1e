import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { npmStart } from '../test/npm-start'
import { freePort } from '../test/loopback'

// Real Prometheus (Debian's `prometheus`) scraping the platform as `npm start` runs it: the shipped scrape job
// with the design's addresses swapped for loopback, and every alert and dashboard query evaluated by it.
const ROLES = { backend: 8081, auth: 8082, credit: 8083, ai: 8084 }
let dir: string
let platform: ReturnType<typeof npmStart>
let prometheus: ChildProcess
let api: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lingudesk-prom-'))
  platform = npmStart(join(dir, 'data'))
  await platform.up
  const shipped = parse(
    await readFile(join(import.meta.dirname, 'monitoring', 'prometheus.yml'), 'utf8'),
  )
  const job = shipped.scrape_configs.find((j: { job_name: string }) => j.job_name === 'lingudesk')
  job.static_configs = Object.entries(ROLES).map(([role, port]) => ({
    targets: [`127.0.0.1:${port}`],
    labels: { role },
  }))
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [job],
  }
  await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config)) // JSON is YAML
  const port = await freePort()
  api = `http://127.0.0.1:${port}/api/v1`
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  )
}, 120_000)

afterAll(async () => {
  prometheus?.kill('SIGKILL')
  await platform?.stop()
  await rm(dir, { recursive: true, force: true })
})

async function until<T>(f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 250))
  }
}

describe('Prometheus against the running platform', () => {
  it('sees every role’s target up', async () => {
    type Target = { labels: { role: string }; health: string }
    const health = await until(async () => {
      const { data } = (await (await fetch(`${api}/targets`)).json()) as {
        data: { activeTargets: Target[] }
      }
      const h = Object.fromEntries(data.activeTargets.map((t) => [t.labels.role, t.health]))
      return Object.values(h).length === 4 && Object.values(h).every((x) => x === 'up')
        ? h
        : undefined
    })
    expect(health).toEqual({ backend: 'up', auth: 'up', credit: 'up', ai: 'up' })
    const up = await until(async () => {
      const body = (await (
        await fetch(`${api}/query?query=${encodeURIComponent('sum(up{job="lingudesk"})')}`)
      ).json()) as { data: { result: { value: [number, string] }[] } }
      return body.data.result[0]?.value[1] === '4' ? 4 : undefined
    })
    expect(up).toBe(4)
  })

  it('evaluates every alert rule and dashboard query without error', async () => {
    const rules = parse(
      await readFile(join(import.meta.dirname, 'monitoring', 'rules.yml'), 'utf8'),
    )
    const exprs: string[] = rules.groups.flatMap((g: { rules: { expr: string }[] }) =>
      g.rules.map((r) => r.expr),
    )
    const dashboards = join(import.meta.dirname, 'monitoring', 'grafana', 'dashboards')
    for (const f of await readdir(dashboards)) {
      const d = JSON.parse(await readFile(join(dashboards, f), 'utf8'))
      for (const p of d.panels)
        for (const t of p.targets) exprs.push(t.expr.replaceAll('$role', '.*'))
    }
    expect(exprs.length).toBeGreaterThan(30)
    const failures: string[] = []
    for (const q of exprs) {
      const res = await fetch(`${api}/query?query=${encodeURIComponent(q)}`)
      if (res.status !== 200) failures.push(`${q}: ${(await res.json()).error}`)
    }
    expect(failures).toEqual([])
  })
})

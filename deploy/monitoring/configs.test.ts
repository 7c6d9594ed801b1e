import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const HERE = import.meta.dirname
const yaml = async (name: string) => parse(await readFile(join(HERE, name), 'utf8'))
type Scrape = {
  job_name: string
  kubernetes_sd_configs?: { role: string; namespaces?: { names: string[] } }[]
  relabel_configs?: { target_label?: string }[]
}

describe('deploy/monitoring', () => {
  it('has a promtool unit test that fires every alert of rules.yml', async () => {
    const rules = await yaml('rules.yml')
    const alerts: string[] = rules.groups.flatMap((g: { rules: { alert?: string }[] }) =>
      g.rules.map((r) => r.alert).filter(Boolean),
    )
    const tests = await yaml('rules.test.yml')
    const fired = new Set<string>(
      tests.tests.flatMap(
        (t: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }) =>
          t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    )
    expect(alerts.length).toBeGreaterThan(10)
    expect(alerts.filter((a) => !fired.has(a))).toEqual([])
  })

  it('scrapes the cluster through kubernetes_sd: the roles’ pods by annotation, one node exporter per node', async () => {
    const k8s = await yaml('prometheus.k8s.yml')
    const jobs = Object.fromEntries((k8s.scrape_configs as Scrape[]).map((j) => [j.job_name, j]))
    expect(jobs.lingudesk.kubernetes_sd_configs).toEqual([
      { role: 'pod', namespaces: { names: ['lingudesk'] } },
    ])
    expect(jobs.lingudesk.relabel_configs!.map((r) => r.target_label).filter(Boolean)).toEqual([
      '__address__',
      'role',
      'pod',
    ])
    expect(jobs.node.kubernetes_sd_configs).toEqual([{ role: 'node' }])
    // The same rules as the servers' Prometheus.
    expect(k8s.rule_files).toEqual((await yaml('prometheus.yml')).rule_files)
  })

  it('loads in promtool, kubernetes_sd aside (Debian builds Prometheus without it)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lingudesk-promk8s-'))
    try {
      const k8s = await yaml('prometheus.k8s.yml')
      for (const job of k8s.scrape_configs as (Scrape & { static_configs?: unknown })[]) {
        delete job.kubernetes_sd_configs
        job.static_configs = [{ targets: ['127.0.0.1:9'] }]
      }
      await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(k8s))
      await writeFile(join(dir, 'rules.yml'), await readFile(join(HERE, 'rules.yml')))
      const { stdout } = await promisify(execFile)('promtool', [
        'check',
        'config',
        join(dir, 'prometheus.yml'),
      ])
      expect(stdout).toContain('SUCCESS')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

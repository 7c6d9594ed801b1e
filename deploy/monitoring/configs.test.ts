import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { createApp } from '../../lib/app'
import { loadConfig } from '../../lib/config'
import { createLogger } from '../../lib/log'
import { must } from '../../test/must'

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
    expect(
      must(jobs.lingudesk.relabel_configs)
        .map((r) => r.target_label)
        .filter(Boolean),
    ).toEqual(['__address__', 'role', 'pod'])
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

  // No Loki or Fluent Bit binary here (Debian's `loki` package is an unrelated genetics program, and Grafana
  // Loki's code may not be vendored), so the log path is checked by shape: the files agree with each other,
  // with compose, and with the lines the roles really write.
  it('ships the roles’ JSON lines to Loki by shape: address, port, storage, retention, labels from real fields', async () => {
    const loki = await yaml('loki.yml')
    const bit = await yaml('fluent-bit.yaml')
    const compose = parse(await readFile(join(HERE, '..', 'compose.yaml'), 'utf8'))
    const port = loki.server.http_listen_port
    // Loki shares the log server's network namespace (Prometheus's address) and keeps its data in its volume.
    expect(compose.services.loki.network_mode).toBe('service:prometheus')
    const logServer = compose.services.prometheus.networks['core-net'].ipv4_address
    expect(compose.services.loki.volumes).toContain(`lokidata:${loki.common.path_prefix}`)
    expect(
      loki.common.storage.filesystem.chunks_directory.startsWith(loki.common.path_prefix),
    ).toBe(true)
    // Loki 3: schema v13 needs the tsdb index; retention needs the compactor with a delete-request store.
    expect(loki.schema_config.configs.at(-1)).toMatchObject({ store: 'tsdb', schema: 'v13' })
    expect(loki.compactor).toMatchObject({
      retention_enabled: true,
      delete_request_store: 'filesystem',
    })
    expect(loki.limits_config.retention_period).toBe('720h')
    const datasources = parse(
      await readFile(join(HERE, 'grafana/provisioning/datasources/datasources.yml'), 'utf8'),
    )
    expect(datasources.datasources.find((d: { type: string }) => d.type === 'loki').url).toBe(
      `http://127.0.0.1:${port}`,
    )
    const out = bit.pipeline.outputs.find((o: { name: string }) => o.name === 'loki')
    expect([out.host, out.port]).toEqual([logServer, port])
    // The labels Fluent Bit sets come from the fields of a real access-log line, which carries the request id
    // a LogQL query finds it by: {job="lingudesk"} | json | requestId="…".
    const lines: string[] = []
    const app = createApp('frontend', {
      config: loadConfig('frontend', {}),
      log: createLogger('frontend', 'info', (l) => lines.push(l)),
    } as never)
    await app.request('/no-such-page')
    const line = JSON.parse(must(lines.find((l) => JSON.parse(l).msg === 'request')))
    expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/)
    const labels = Object.fromEntries(
      (out.labels as string).split(',').map((l) => l.trim().split('=') as [string, string]),
    )
    expect(labels).toEqual({ job: 'lingudesk', role: '$role', level: '$level' })
    for (const v of Object.values(labels).filter((v) => v.startsWith('$')))
      expect(typeof line[v.slice(1)]).toBe('string')
    expect(out.line_format).toBe('json')
  })
})

import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { must } from '../test/must'

// What can be checked of the deployment files without Docker or a cluster: that they encode the design.
const DEPLOY = import.meta.dirname
const yaml = async (path: string) =>
  parse(await readFile(join(DEPLOY, path), 'utf8'), { merge: true }) // compose uses << merge keys
const docs = async (path: string) =>
  parseAllDocuments(await readFile(join(DEPLOY, path), 'utf8')).map((d) => d.toJS())

const ROLES = { frontend: 8080, backend: 8081, auth: 8082, credit: 8083, ai: 8084 } as const
type Service = {
  networks?: Record<string, { ipv4_address?: string } | null>
  network_mode?: string
  ports?: string[]
  environment?: Record<string, string>
}

describe('deploy/compose.yaml', () => {
  it('puts each server on its design address, core-net internal, and publishes only the frontend', async () => {
    const c = await yaml('compose.yaml')
    expect(c.networks['edge-net'].ipam.config[0].subnet).toBe('10.1.0.0/24')
    expect(c.networks['core-net']).toMatchObject({
      internal: true,
      ipam: { config: [{ subnet: '10.0.0.0/24' }] },
    })
    const services = c.services as Record<string, Service>
    const addresses = (name: string) =>
      Object.fromEntries(
        Object.entries(services[name].networks ?? {}).map(([n, v]) => [
          n,
          v?.ipv4_address ?? 'dynamic',
        ]),
      )
    expect(addresses('frontend')).toEqual({ 'edge-net': '10.1.0.10' })
    expect(addresses('backend')).toEqual({ 'edge-net': '10.1.0.2', 'core-net': '10.0.0.2' })
    expect(addresses('auth')).toEqual({ 'core-net': '10.0.0.3', 'auth-egress': 'dynamic' }) // mail and OAuth providers
    expect(addresses('credit')).toEqual({ 'core-net': '10.0.0.4' })
    expect(addresses('ai')).toEqual({ 'core-net': '10.0.0.6', 'ai-egress': 'dynamic' })
    expect(addresses('db')).toEqual({ 'core-net': '10.0.0.5' })
    expect(addresses('prometheus')).toEqual({ 'core-net': '10.0.0.7' })
    for (const s of ['pgbouncer', 'redis', 'minio', 'minio-init'])
      expect(services[s].network_mode).toBe('service:db')
    for (const s of ['alertmanager', 'loki', 'grafana', 'fluent-bit'])
      expect(services[s].network_mode).toBe('service:prometheus')
    expect(
      Object.entries(services)
        .filter(([, s]) => s.ports)
        .map(([n]) => n),
    ).toEqual(['frontend'])
    // Roles reach the database through pgBouncer (6432), each as its own DB role.
    for (const role of ['backend', 'auth', 'credit', 'ai'])
      expect(must(services[role].environment).DATABASE_URL).toMatch(
        new RegExp(`^postgres://lingudesk_${role}@10\\.0\\.0\\.5:6432/`),
      )
  })
})

describe('deploy/docker/Dockerfile', () => {
  it('builds per role, runs as non-root with a health check', async () => {
    const text = await readFile(join(DEPLOY, 'docker', 'Dockerfile'), 'utf8')
    expect(text).toMatch(/^ARG ROLE$/m)
    expect(text).toMatch(/^USER 65532:65532$/m)
    expect(text).toMatch(/^HEALTHCHECK .*\/healthz/ms)
    expect(text).toMatch(/^ARG BASE=gcr\.io\/distroless\/nodejs20-debian12:nonroot$/m)
  })
})

describe('deploy/k8s', () => {
  it('has a Deployment, Service and HPA per role, with probes on /readyz and /healthz, non-root', async () => {
    const k = await yaml('k8s/kustomization.yaml')
    const all = (await Promise.all((k.resources as string[]).map((r) => docs(`k8s/${r}`)))).flat()
    for (const [role, port] of Object.entries({ ...ROLES, frontend: 8443 })) {
      const dep = all.find((d) => d.kind === 'Deployment' && d.metadata.name === role)
      const ctr = dep.spec.template.spec.containers[0]
      expect([
        role,
        ctr.readinessProbe.httpGet.path,
        ctr.livenessProbe.httpGet.path,
        ctr.ports[0].containerPort,
      ]).toEqual([role, '/readyz', '/healthz', port])
      expect(dep.spec.template.spec.securityContext.runAsNonRoot).toBe(true)
      expect(
        all.find((d) => d.kind === 'Service' && d.metadata.name === role).spec.ports[0].port,
      ).toBe(role === 'frontend' ? 443 : port)
      expect(
        all.find((d) => d.kind === 'HorizontalPodAutoscaler' && d.metadata.name === role).spec
          .scaleTargetRef.name,
      ).toBe(role)
    }
    expect(
      all
        .filter((d) => d.kind === 'Service' && d.spec.type === 'LoadBalancer')
        .map((d) => d.metadata.name),
    ).toEqual(['frontend'])
  })

  it('segments the network: default deny, the frontend talks only to the backend, core roles never hear the frontend', async () => {
    const policies = (await docs('k8s/network-policies.yaml')).filter(
      (d) => d.kind === 'NetworkPolicy',
    )
    const byName = Object.fromEntries(policies.map((p) => [p.metadata.name, p.spec]))
    expect(byName['default-deny']).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] })
    const apps = (rules: { to?: unknown[]; from?: unknown[] }[] = [], dir: 'to' | 'from') =>
      rules
        .flatMap(
          (r) =>
            (r[dir] ?? []) as {
              podSelector?: { matchLabels?: { app?: string } }
              ipBlock?: unknown
            }[],
        )
        .map((p) => p.podSelector?.matchLabels?.app ?? (p.ipBlock ? 'ip' : 'namespace'))
    expect(apps(byName.frontend.egress, 'to')).toEqual(['backend'])
    for (const core of ['auth', 'credit', 'ai'])
      expect(apps(byName[core].ingress, 'from')).not.toContain('frontend')
    expect(apps(byName.backend.egress, 'to')).toEqual(['auth', 'credit', 'ai', 'ip'])
    expect(apps(byName.backend.ingress, 'from')).toEqual(['frontend', 'namespace'])
  })
})

describe('deploy/monitoring', () => {
  it('scrapes every internal role at its design address, and ships dashboards with a query per panel', async () => {
    const prom = await yaml('monitoring/prometheus.yml')
    const targets = prom.scrape_configs.find(
      (s: { job_name: string }) => s.job_name === 'lingudesk',
    ).static_configs
    expect(
      targets.map(
        (t: { targets: string[]; labels: { role: string } }) => `${t.labels.role}@${t.targets[0]}`,
      ),
    ).toEqual([
      'backend@10.0.0.2:8081',
      'auth@10.0.0.3:8082',
      'credit@10.0.0.4:8083',
      'ai@10.0.0.6:8084',
    ])
    const dir = join(DEPLOY, 'monitoring', 'grafana', 'dashboards')
    const names = (await readdir(dir)).sort()
    expect(names).toEqual(['ai.json', 'auth.json', 'money.json', 'overview.json'])
    for (const n of names) {
      const d = JSON.parse(await readFile(join(dir, n), 'utf8'))
      expect(d.panels.length).toBeGreaterThan(3)
      for (const p of d.panels)
        expect([n, p.title, p.targets.every((t: { expr: string }) => t.expr.length > 0)]).toEqual([
          n,
          p.title,
          true,
        ])
    }
  })
})

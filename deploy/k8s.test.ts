import { execFile } from 'node:child_process'
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import * as models from 'kubernetes-models'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { configKeys, ROLES } from '../lib/config'
import { must } from '../test/must'

// deploy/k8s as `kubectl kustomize` renders it (kubectl's built-in kustomize, offline), with each secrets/*.env
// made from its example: every object checked against its Kubernetes schema, and who gets which secret.
type Obj = {
  apiVersion: string
  kind: string
  metadata: { name: string }
  data?: Record<string, string>
  spec?: { template?: { spec?: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } }
}
type PodSpec = {
  containers: {
    envFrom?: { secretRef?: { name: string } }[]
    env?: { valueFrom?: { secretKeyRef?: { name: string } } }[]
  }[]
}
type Model = new (o: Obj) => { validate(): void }
let dir: string
let objects: Obj[]

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lingudesk-k8s-'))
  await cp(join(import.meta.dirname, 'k8s'), dir, { recursive: true })
  for (const f of await readdir(join(dir, 'secrets')))
    if (f.endsWith('.env.example'))
      await cp(join(dir, 'secrets', f), join(dir, 'secrets', f.replace(/\.example$/, '')))
  const { stdout } = await promisify(execFile)('kubectl', ['kustomize', dir], {
    maxBuffer: 10_000_000,
  })
  objects = parseAllDocuments(stdout).map((d) => d.toJS())
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** The kubernetes-models class of an object: apps/v1 Deployment → models.apps.v1.Deployment. */
function modelOf(o: Obj) {
  const [group, version] = o.apiVersion.includes('/')
    ? o.apiVersion.split('/')
    : ['v1', o.apiVersion]
  const key =
    group === 'v1'
      ? 'v1'
      : group
          .replace(/\.(\w)/g, (_, c: string) => c.toUpperCase())
          .replace(/^(\w+)K8sIo$/, '$1K8sIo')
  // kubernetes-models: a namespace per group, a namespace per version in it, a class per kind
  const ns = (models as Record<string, Record<string, unknown> | undefined>)[key]
  const kinds = (group === 'v1' ? ns : ns?.[version]) as Record<string, Model> | undefined
  return kinds?.[o.kind]
}
const podSpecOf = (o: Obj) =>
  o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec.template.spec : o.spec?.template?.spec
/** The Secrets a pod spec reads, by name prefix (kustomize appends a content hash). */
const secretsOf = (spec: PodSpec | undefined) =>
  new Set(
    (spec?.containers ?? [])
      .flatMap((c) => [
        ...(c.envFrom ?? []).map((e) => e.secretRef?.name),
        ...(c.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.name),
      ])
      .filter((n) => n !== undefined)
      .map((n) => n.replace(/-[a-z0-9]{10}$/, '')),
  )

describe('deploy/k8s', () => {
  it('renders, and every object validates against its Kubernetes schema', () => {
    expect(objects.length).toBeGreaterThan(25)
    const problems: string[] = []
    for (const o of objects) {
      const Model = modelOf(o)
      if (!Model) problems.push(`${o.apiVersion} ${o.kind}: no schema`)
      else
        try {
          new Model(o).validate()
        } catch (err) {
          problems.push(`${o.kind}/${o.metadata.name}: ${(err as Error).message}`)
        }
    }
    expect(problems).toEqual([])
  })

  it('gives each role its own Secret only, the frontend none, and the owner credentials only to the jobs', () => {
    const pods = objects
      .filter(podSpecOf)
      .map((o) => [o.metadata.name, [...secretsOf(podSpecOf(o))]])
    expect(Object.fromEntries(pods)).toEqual({
      frontend: [],
      backend: ['lingudesk-backend'],
      auth: ['lingudesk-auth'],
      credit: ['lingudesk-credit'],
      ai: ['lingudesk-ai'],
      migrate: ['lingudesk-ops'],
      partitions: ['lingudesk-ops'],
      backup: ['lingudesk-ops'],
    })
    for (const role of ROLES.filter((r) => r !== 'frontend')) {
      const secret = must(
        objects.find(
          (o) => o.kind === 'Secret' && o.metadata.name.startsWith(`lingudesk-${role}-`),
        ),
      )
      const keys = Object.keys(secret.data ?? {})
      expect([role, keys.filter((k) => !configKeys(role).includes(k))]).toEqual([role, []]) // nothing another role reads
      expect(keys).toContain('DATABASE_PASSWORD')
    }
    const config = must(objects.find((o) => o.kind === 'ConfigMap'))
    expect(Object.keys(must(config.data)).filter((k) => /PASSWORD|SECRET|KEY/.test(k))).toEqual([])
  })
})

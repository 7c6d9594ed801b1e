import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { must } from '../test/must'

// deploy/compose.yaml as Debian's docker-compose (1.29) resolves it, with every secret of the example env file
// filled with the characters that break URLs.
type Service = {
  environment?: Record<string, string>
  networks?: Record<string, unknown>
  ports?: unknown[]
  image?: string
  command?: string[]
  network_mode?: string
}
let dir: string
let services: Record<string, Service>
let networks: Record<string, { internal?: boolean }>
const SECRET = 'a/b+c=d@e:f%g'

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lingudesk-compose-'))
  const example = await readFile(join(import.meta.dirname, 'compose.env.example'), 'utf8')
  await writeFile(join(dir, '.env'), example.replace(/=$/gm, `=${SECRET}`))
  const { stdout } = await promisify(execFile)('docker-compose', [
    '-f',
    join(import.meta.dirname, 'compose.yaml'),
    '--env-file',
    join(dir, '.env'),
    'config',
  ])
  ;({ services, networks } = parse(stdout))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const secretKeys = (s: Service) =>
  Object.keys(s.environment ?? {}).filter((k) =>
    /PASSWORD|SECRET|KEY_ENCRYPTION|SERVICE_KEY/.test(k),
  )

describe('deploy/compose.yaml in docker-compose', () => {
  it('gives each role only its own secrets, the frontend none, the owner password only to the jobs and the database', () => {
    expect(secretKeys(services.frontend)).toEqual([])
    expect(secretKeys(services.backend).sort()).toEqual([
      'DATABASE_PASSWORD',
      'REDIS_PASSWORD',
      'SERVICE_KEY_BACKEND',
    ])
    for (const role of ['backend', 'auth', 'credit', 'ai'])
      // each role can sign as itself only
      expect(
        Object.keys(must(services[role].environment)).filter((k) => k.startsWith('SERVICE_KEY_')),
      ).toEqual([`SERVICE_KEY_${role.toUpperCase()}`])
    expect(must(services.ai.environment).S3_SECRET_ACCESS_KEY).toBe(SECRET)
    const owner = Object.entries(services).filter(
      ([, s]) =>
        Object.values(s.environment ?? {}).includes(SECRET) &&
        /lingudesk_owner/.test(JSON.stringify(s.environment)),
    )
    expect(owner.map(([n]) => n).sort()).toEqual(['backup', 'db', 'migrate']) // db: the database server itself
  })

  it('lets auth out for mail and OAuth, and keeps core-net internal', () => {
    expect(Object.keys(must(services.auth.networks)).sort()).toEqual(['auth-egress', 'core-net'])
    expect(networks['core-net'].internal).toBe(true)
    expect(networks['auth-egress'].internal).toBeUndefined()
  })

  it('publishes HTTPS and the HTTP redirect on the frontend alone, with TLS files', () => {
    expect(
      Object.entries(services)
        .filter(([, s]) => s.ports)
        .map(([n]) => n),
    ).toEqual(['frontend'])
    expect(services.frontend.environment).toMatchObject({
      PORT: '8443',
      HTTP_REDIRECT_PORT: '8080',
      TLS_CERT_FILE: '/tls/fullchain.pem',
    })
  })

  it('runs one node exporter per machine and scrapes exactly those', async () => {
    const exporters = Object.entries(services).filter(([, s]) => s.image?.includes('node-exporter'))
    const prom = parse(
      await readFile(join(import.meta.dirname, 'monitoring', 'prometheus.yml'), 'utf8'),
    )
    const targets = prom.scrape_configs
      .find((j: { job_name: string }) => j.job_name === 'node')
      .static_configs.flatMap((c: { targets: string[] }) => c.targets)
    expect(exporters.map(([, s]) => s.network_mode)).toEqual(['service:db'])
    expect(targets).toEqual(['10.0.0.5:9100'])
  })

  it('backs up nightly from the ops image into a versioned bucket, as the media are', () => {
    expect(services.backup.command).toEqual([
      '/app/backup.mjs',
      '--to',
      's3://lingudesk-backups/nightly',
      '--keep',
      '14',
      '--every',
      '24h',
    ])
    expect(services.migrate.command).toEqual(['/app/migrate.mjs'])
    const init = JSON.stringify(services['minio-init'])
    for (const bucket of ['ai-media', 'lingudesk-backups'])
      expect(init).toContain(`mc version enable local/${bucket}`)
  })
})

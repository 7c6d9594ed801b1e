import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLE_APPS } from '../../deploy/roles'
import { startRole, type RoleServer } from '../../deploy/serve'
import type { Role } from '../../lib/config'
import { MIGRATIONS_DIR } from '../../lib/node/migrations'
import { testDatabase, type TestDatabase } from '../../test/testing'

let db: TestDatabase
let s3: S3rver
let s3Dir: string
const servers = new Map<Role, RoleServer>()
let env: Record<string, string>

const start = (role: Role, extra: Record<string, string> = {}) =>
  startRole(role, ROLE_APPS[role], { env: { ...env, ...extra }, migrationsDir: MIGRATIONS_DIR, assetsDir: '/none' })

beforeAll(async () => {
  db = await testDatabase()
  s3Dir = await mkdtemp(join(tmpdir(), 's3-'))
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Dir })
  const { port } = await s3.run()
  env = {
    PORT: '0',
    LOG_LEVEL: 'error',
    DATABASE_URL: db.url,
    SERVICE_SECRET: crypto.randomUUID() + crypto.randomUUID(),
    REDIS_URL: process.env.REDIS_URL ?? 'memory://test',
    SMTP_URL: `file://${s3Dir}/mail`,
    KEY_ENCRYPTION_KEY: 'k'.repeat(43),
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  }
  for (const role of ['auth', 'credit', 'ai'] as const) servers.set(role, await start(role))
  servers.set('backend', await start('backend', {
    AUTH_URL: servers.get('auth')!.url,
    CREDIT_URL: servers.get('credit')!.url,
    AI_URL: servers.get('ai')!.url,
  }))
})
afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()))
  await s3?.close()
  await db?.close()
  await rm(s3Dir, { recursive: true, force: true })
})

describe('GET /api/status', () => {
  it('reports every core service up over service tokens', async () => {
    const res = await fetch(`${servers.get('backend')!.url}/api/status`)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({ status: 'ok', services: { backend: 'up', auth: 'up', credit: 'up', ai: 'up' } })
    expect(body.aiProviders.offline).toMatchObject({ configured: true, state: 'closed' })
    expect(body.aiProviders.chatgpt).toMatchObject({ configured: false })
  })

  it('names a service whose secret does not match, and one that is down', async () => {
    await servers.get('credit')!.close()
    servers.delete('credit')
    await servers.get('ai')!.close()
    servers.set('ai', await start('ai', { PORT: new URL(servers.get('ai')!.url).port, SERVICE_SECRET: 'z'.repeat(40) }))
    const res = await fetch(`${servers.get('backend')!.url}/api/status`)
    expect(res.status).toBe(503)
    const { error } = await res.json()
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.details.services).toEqual({ auth: 'up', credit: 'down', ai: 'down' })
  })
})

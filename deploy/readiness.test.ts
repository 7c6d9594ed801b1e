import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Role } from '../lib/config'
import { MIGRATIONS_DIR } from '../lib/node/migrations'
import { startS3 } from '../test/platform-harness'
import { startRedisServer } from '../test/redis-server'
import { type TestDatabase, testDatabase } from '../test/testing'
import { ROLE_APPS } from './roles'
import { type RoleServer, startRole } from './serve'
import { serviceKeyEnv } from '../lib/service-keys'

// /healthz: the process answers. /readyz: the role can serve its routes — its database answers and holds the
// newest migration the code knows; what a role fails open on (the backend's Redis, the frontend's backend)
// shows in the answer and in dependency_up but never pulls the role out of its load balancer.
let migrated: TestDatabase
let empty: TestDatabase
let redis: Awaited<ReturnType<typeof startRedisServer>>
const servers: RoleServer[] = []

beforeAll(async () => {
  ;[migrated, empty, redis] = await Promise.all([
    testDatabase(),
    testDatabase({ empty: true }),
    startRedisServer(),
  ])
})
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
  await Promise.all([migrated?.close(), empty?.close(), redis?.stop()])
})

const keys = await serviceKeyEnv()
const envOf = (role: Role, db: string) => ({
  PORT: '0',
  LOG_LEVEL: 'error',
  DATABASE_URL: db,
  ...keys,
  ...((role === 'backend' || role === 'auth') && { REDIS_URL: redis.url }),
  ...(role === 'auth' && {
    SMTP_URL: 'smtp://127.0.0.1:9',
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
  }),
  ...(role === 'ai' && {
    S3_ENDPOINT: 'http://127.0.0.1:9',
    S3_ACCESS_KEY_ID: 'x',
    S3_SECRET_ACCESS_KEY: 'x',
  }),
})
async function start(role: Role, db: string, extra: Record<string, string> = {}) {
  const s = await startRole(role, ROLE_APPS[role], {
    env: { ...envOf(role, db), ...extra },
    migrationsDir: MIGRATIONS_DIR,
    assetsDir: '/none',
  })
  servers.push(s)
  return s
}
const get = async (s: RoleServer, path: string) => {
  const res = await fetch(s.url + path)
  return {
    status: res.status,
    body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text(),
  }
}
const depGauge = (metrics: string, dep: string) =>
  metrics.match(new RegExp(`^dependency_up\\{[^}]*dependency="${dep}"[^}]*\\} (\\d)$`, 'm'))?.[1]

describe('readiness per role', () => {
  it.each(['backend', 'auth', 'credit'] as const)(
    '%s: alive but not ready on a database without its migrations, ready on a migrated one',
    async (role) => {
      const behind = await start(role, empty.url)
      expect((await get(behind, '/healthz')).status).toBe(200)
      const r = await get(behind, '/readyz')
      expect([
        r.status,
        r.body.error.details.checks.db,
        r.body.error.details.checks.migrations,
      ]).toEqual([503, 'up', 'down'])
      const current = await get(await start(role, migrated.url), '/readyz')
      expect([current.status, current.body.status, current.body.checks.migrations]).toEqual([
        200,
        'ready',
        'up',
      ])
    },
  )

  it('ai: needs its migrations and its bucket', async () => {
    const s3 = await startS3()
    try {
      const ai = await start('ai', migrated.url, s3.env)
      expect((await get(ai, '/readyz')).body).toEqual({
        status: 'ready',
        role: 'ai',
        checks: { db: 'up', migrations: 'up', s3: 'up' },
      })
      expect(
        (await get(await start('ai', empty.url, s3.env), '/readyz')).body.error.details.checks
          .migrations,
      ).toBe('down')
      await s3.stop()
      const r = await get(ai, '/readyz')
      expect([r.status, r.body.error.details.checks]).toEqual([
        503,
        { db: 'up', migrations: 'up', s3: 'down' },
      ])
    } finally {
      await s3.stop().catch(() => {})
    }
  })

  it('every database role: not ready when the database is unreachable', async () => {
    for (const role of ['backend', 'auth', 'credit'] as const) {
      const r = await get(await start(role, 'postgres://postgres@127.0.0.1:9/none'), '/readyz')
      expect([role, r.status, r.body.error.details.checks.db]).toEqual([role, 503, 'down'])
    }
  })

  it('backend: stays ready while Redis is down (its routes fail open), and says so in the body and metrics', async () => {
    const backend = await start('backend', migrated.url)
    expect((await get(backend, '/readyz')).body).toEqual({
      status: 'ready',
      role: 'backend',
      checks: { db: 'up', migrations: 'up', kv: 'up' },
    })
    expect(depGauge((await get(backend, '/metrics')).body, 'kv')).toBe('1')
    await redis.stop()
    try {
      const r = await get(backend, '/readyz')
      expect([r.status, r.body]).toEqual([
        200,
        { status: 'degraded', role: 'backend', checks: { db: 'up', migrations: 'up', kv: 'down' } },
      ])
      const metrics = (await get(backend, '/metrics')).body
      expect([depGauge(metrics, 'kv'), depGauge(metrics, 'db')]).toEqual(['0', '1'])
    } finally {
      await redis.start()
    }
  })

  it('frontend: ready without a database, and stays ready (degraded) while the backend is down', async () => {
    const frontend = await start('frontend', '', { BACKEND_URL: 'http://127.0.0.1:9' })
    expect((await get(frontend, '/healthz')).status).toBe(200)
    expect(await get(frontend, '/readyz')).toEqual({
      status: 200,
      body: { status: 'degraded', role: 'frontend', checks: { backend: 'down' } },
    })
  })
})

import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES, type Role } from '../lib/config'
import { testDatabase, type TestDatabase } from '../lib/node/testing'
import { bundleWorker } from './build'

const COMPATIBILITY_DATE = '2026-04-01' // ≥ 2025-09-15, which pg needs for node:fs and friends

let db: TestDatabase
const workers = new Map<Role, Miniflare>()

beforeAll(async () => {
  db = await testDatabase()
  const bindings = {
    DATABASE_URL: db.url,
    SERVICE_SECRET: crypto.randomUUID() + crypto.randomUUID(),
    REDIS_URL: 'memory://workerd',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    KEY_ENCRYPTION_KEY: 'k'.repeat(43),
    S3_ENDPOINT: 'http://127.0.0.1:9',
    S3_ACCESS_KEY_ID: 'unused',
    S3_SECRET_ACCESS_KEY: 'unused',
  }
  const scripts = await Promise.all(ROLES.map((role) => bundleWorker(role)))
  ROLES.forEach((role, i) => {
    const mf = new Miniflare({
      modules: true,
      script: scripts[i],
      compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: ['nodejs_compat'],
      bindings,
    })
    workers.set(role, mf)
  })
}, 120_000)

afterAll(async () => {
  await Promise.all([...workers.values()].map((mf) => mf.dispose()))
  await db?.close()
})

describe('role apps in workerd', () => {
  it.each(ROLES)('%s answers /healthz', async (role) => {
    const res = await workers.get(role)!.dispatchFetch('http://localhost/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', role })
  })

  it('auth reaches PostgreSQL from workerd in /readyz', async () => {
    const res = await workers.get('auth')!.dispatchFetch('http://localhost/readyz')
    expect(await res.json()).toEqual({ status: 'ready', role: 'auth', checks: { db: 'up' } })
    expect(res.status).toBe(200)
  })

  it('auth serves its key set from PostgreSQL under RLS in workerd', async () => {
    const res = await workers.get('auth')!.dispatchFetch('http://localhost/.well-known/jwks.json')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ keys: [] }) // no key until the first sign-in
  })

  it('credit answers an unknown route with the error shape', async () => {
    const res = await workers.get('credit')!.dispatchFetch('http://localhost/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } })
  })
})

import { readFileSync } from 'node:fs'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES, type Role } from '../lib/config'
import { newUserId } from '../lib/ids'
import { serviceKeyEnv } from '../lib/service-keys'
import { type FakeEdgeApis, startFakeEdgeApis } from '../test/fake-edge-apis'
import { startRedisServer } from '../test/redis-server'
import { testDatabase, type TestDatabase } from '../test/testing'
import { bundleWorker } from './build'
import { must } from '../test/must'

const COMPATIBILITY_DATE = '2026-04-01' // ≥ 2025-09-15, which pg needs for node:fs and friends

let db: TestDatabase
const workers = new Map<Role, Miniflare>()

beforeAll(async () => {
  db = await testDatabase()
  const bindings = {
    DATABASE_URL: db.url,
    ...(await serviceKeyEnv()),
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
    const res = await must(workers.get(role)).dispatchFetch('http://localhost/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', role })
  })

  it('auth reaches PostgreSQL from workerd in /readyz', async () => {
    const res = await must(workers.get('auth')).dispatchFetch('http://localhost/readyz')
    expect(await res.json()).toEqual({ status: 'ready', role: 'auth', checks: { db: 'up' } })
    expect(res.status).toBe(200)
  })

  it('auth serves its key set from PostgreSQL under RLS in workerd', async () => {
    const res = await must(workers.get('auth')).dispatchFetch(
      'http://localhost/.well-known/jwks.json',
    )
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ keys: [] }) // no key until the first sign-in
  })

  it('credit expires a hold past its expiry on its cron trigger (wrangler.toml: every minute)', async () => {
    expect(readFileSync('wrangler.toml', 'utf8')).toMatch(
      /\[env\.credit\][^[]*\ntriggers = \{ crons = \["\* \* \* \* \*"\] \}/,
    )
    const id = newUserId()
    await db.owner.query(`insert into public.users (id, email, name) values ($1, $2, 'W')`, [
      id,
      `${id}@example.com`,
    ])
    await db.owner.query(
      `insert into credit.accounts (user_id, balance, held) values ($1, 10000, 7000)`,
      [id],
    )
    await db.owner.query(
      `insert into credit.holds (user_id, amount, idempotency_key, expires_at) values
         ($1, 4000, $1 || ':due', now() - interval '1 second'), ($1, 3000, $1 || ':open', now() + interval '1 hour')`,
      [id],
    )
    // miniflare's Fetcher type lacks scheduled(), which the worker has
    const credit = (await must(workers.get('credit')).getWorker()) as unknown as {
      scheduled(o: { cron: string }): Promise<{ outcome: string }>
    }
    expect(await credit.scheduled({ cron: '* * * * *' })).toMatchObject({ outcome: 'ok' })
    expect(
      await db.owner.query(
        `select amount::int, status from credit.holds where user_id = $1 order by amount`,
        [id],
      ),
    ).toEqual([
      { amount: 3000, status: 'open' },
      { amount: 4000, status: 'expired' },
    ])
    expect(
      await db.owner.query(`select held::int from credit.accounts where user_id = $1`, [id]),
    ).toEqual([{ held: 3000 }])
  })

  it('credit answers an unknown route with the error shape', async () => {
    const res = await must(workers.get('credit')).dispatchFetch('http://localhost/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } })
  })
})

// The backend and auth as two workers joined by a Service Binding, with the HTTP stand-ins workerd uses for
// TCP clients: Redis through Upstash's REST API (on a real redis-server) and mail through Resend's API.
describe('backend + auth in workerd through a Service Binding', () => {
  let pair: Miniflare
  let apis: FakeEdgeApis
  let redis: Awaited<ReturnType<typeof startRedisServer>>
  beforeAll(async () => {
    redis = await startRedisServer()
    apis = await startFakeEdgeApis(redis.url)
    const common = {
      modules: true,
      compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: ['nodejs_compat'],
    }
    const vars = { DATABASE_URL: db.url, ...(await serviceKeyEnv()) }
    pair = new Miniflare({
      workers: [
        {
          ...common,
          name: 'backend',
          script: await bundleWorker('backend'),
          serviceBindings: { AUTH: 'auth' },
          bindings: {
            ...vars,
            REDIS_URL: apis.redisUrl,
            REDIS_TOKEN: apis.token,
            AUTH_URL: 'http://auth.invalid',
          },
        },
        {
          ...common,
          name: 'auth',
          script: await bundleWorker('auth'),
          bindings: {
            ...vars,
            REDIS_URL: apis.redisUrl,
            REDIS_TOKEN: apis.token,
            SMTP_URL: 'smtp://mail.invalid',
            MAIL_API_URL: apis.mailUrl,
            MAIL_API_KEY: apis.token,
            KEY_ENCRYPTION_KEY: 'k'.repeat(43),
            BCRYPT_COST: '4',
          },
        },
      ],
    })
  }, 120_000)
  afterAll(async () => {
    await pair?.dispose()
    await apis?.close()
    await redis?.stop()
  })

  it('registers, mails the code, signs in, and calls an authenticated route', async () => {
    const email = `edge.${Date.now()}@example.com`
    const call = (path: string, init: { body?: unknown; token?: string } = {}) =>
      pair.dispatchFetch(`http://localhost${path}`, {
        method: init.body ? 'POST' : 'GET',
        body: init.body ? JSON.stringify(init.body) : undefined,
        headers: {
          'content-type': 'application/json',
          'x-device-id': 'device-edge-0001',
          'cf-connecting-ip': '198.51.100.9',
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
      })
    const started = await call('/api/auth/register', {
      body: { email, password: 'a long edge passphrase', name: 'Edge' },
    })
    expect(started.status).toBe(202)
    expect(started.headers.get('ratelimit-limit')).toBe('20') // counted in Redis through the REST API
    for (let i = 0; i < 100 && !apis.mails.length; i++) await new Promise((r) => setTimeout(r, 50)) // mailed after the answer
    expect(apis.mails.map((m) => m.to)).toEqual([email])
    const code = must(/\b(\d{6})\b/.exec(apis.mails[0].subject))[1]
    const { challenge } = (await started.json()) as { challenge: string }
    const registered = await call('/api/auth/register/verify', { body: { challenge, code } })
    expect(registered.status).toBe(201)
    expect(registered.headers.get('set-cookie')).toMatch(/HttpOnly/)
    const login = await call('/api/auth/login', {
      body: { email, password: 'a long edge passphrase' },
    })
    expect(login.status).toBe(200)
    const { accessToken, user } = (await login.json()) as {
      accessToken: string
      user: { id: string }
    }
    const me = await call('/api/whoami', { token: accessToken })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ id: user.id, email, userType: 'free' })
    expect(user).toMatchObject({ emailVerified: true })
    expect((await call('/api/whoami')).status).toBe(401)
    expect(apis.commands).toContain('eval') // the limiter's scripts ran on Redis
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRole } from '../../deploy/serve'
import createFrontendApp from '../frontend/index'
import { MIGRATIONS_DIR } from '../../lib/node/migrations'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { startRedisServer } from '../../test/redis-server'

// This file stops and freezes Redis, so it runs its own redis-server, never the shared one.
let redis: Awaited<ReturnType<typeof startRedisServer>>
let p: PlatformHarness
beforeAll(async () => {
  redis = await startRedisServer()
  p = await platformHarness({ redisUrl: redis.url })
})
afterAll(async () => {
  await p?.close()
  await redis?.stop()
})

const login = (b: ReturnType<PlatformHarness['browser']>) =>
  b.call('POST', '/api/auth/login', { body: { email: 'nobody@example.com', password: 'whatever it is' } })

describe('rate limits', () => {
  it('allow 20 unauthenticated requests a minute per client address, then 429 with headers', async () => {
    const b = p.browser()
    const replies = []
    for (let i = 0; i < 21; i++) replies.push(await login(b))
    expect(replies.slice(0, 20).every((r) => r.status === 401)).toBe(true)
    const last = replies[20]
    expect(last.status).toBe(429)
    expect(last.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfter: expect.any(Number) } })
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(last.headers.get('ratelimit-limit')).toBe('20')
    expect(last.headers.get('ratelimit-remaining')).toBe('0')
    expect(Number(last.headers.get('ratelimit-reset'))).toBeGreaterThan(0)
    expect(replies[0].headers.get('ratelimit-remaining')).toBe('19')
    expect((await login(p.browser())).status).toBe(401) // another address is not affected
  })

  it('count the address the edge saw, whatever X-Forwarded-For the client sends', async () => {
    const edge = await startRole('frontend', createFrontendApp, {
      env: { PORT: '0', BACKEND_URL: p.backend.url, LOG_LEVEL: 'error' }, migrationsDir: MIGRATIONS_DIR, assetsDir: '/none',
    })
    try {
      const statuses = []
      for (let i = 0; i < 21; i++) {
        const res = await fetch(`${edge.url}/api/auth/password/forgot`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${i}.1` },
          body: JSON.stringify({ email: 'someone@example.com' }),
        })
        statuses.push(res.status)
      }
      expect(statuses.filter((s) => s === 202)).toHaveLength(20)
      expect(statuses[20]).toBe(429)
    } finally {
      await edge.close()
    }
  })

  it('allow 50 signed-in requests a minute per user, shared by two backends (60 sent, 50 allowed)', async () => {
    const second = await p.startBackend()
    const b = p.browser()
    await b.register()
    const other = p.browser(second.url)
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? b : other).call('GET', '/api/auth/me', { headers: { authorization: `Bearer ${b.token}` } }),
      ),
    )
    expect(replies.filter((r) => r.status === 200)).toHaveLength(50)
    expect(replies.filter((r) => r.status === 429)).toHaveLength(10)
  })

  it('fail open on standard routes and closed on AI routes when Redis is slow or down', async () => {
    const b = p.browser()
    await b.register()
    await redis.pause(1500)
    const slowStandard = await b.call('GET', '/api/auth/me')
    const slowAi = await b.call('POST', '/api/ai/translate', { body: { text: 'hello', from: 'en', to: 'de' } })
    expect(slowStandard.status).toBe(200)
    expect(slowAi.status).toBe(503)
    expect(slowAi.headers.get('retry-after')).toBe('5')

    await redis.stop()
    expect((await b.call('GET', '/api/auth/me')).status).toBe(200)
    const ai = await b.call('POST', '/api/ai/translate', { body: { text: 'hello', from: 'en', to: 'de' } })
    expect(ai.status).toBe(503)
    expect(ai.body.error.code).toBe('UNAVAILABLE')
    await redis.start()
  })
})

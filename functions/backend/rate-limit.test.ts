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
  p = await platformHarness({
    redisUrl: redis.url,
    backendEnv: { RATE_LIMIT_TIMEOUT_MS: '300', RATE_LIMIT_STANDARD: '50/60' }, // not the default's
  })
})
afterAll(async () => {
  await p?.close()
  await redis?.stop()
})

const login = (b: ReturnType<PlatformHarness['browser']>) =>
  b.call('POST', '/api/auth/login', {
    body: { email: 'nobody@example.com', password: 'whatever it is' },
  })

describe('rate limits', () => {
  it('allow 20 unauthenticated requests a minute per client address, then 429 with headers', async () => {
    const b = p.browser()
    const replies = []
    for (let i = 0; i < 21; i++) replies.push(await login(b))
    expect(replies.slice(0, 20).every((r) => r.status === 401)).toBe(true)
    const last = replies[20]
    expect(last.status).toBe(429)
    expect(last.body.error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfter: expect.any(Number) },
    })
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(last.headers.get('ratelimit-limit')).toBe('20')
    expect(last.headers.get('ratelimit-remaining')).toBe('0')
    expect(Number(last.headers.get('ratelimit-reset'))).toBeGreaterThan(0)
    expect(replies[0].headers.get('ratelimit-remaining')).toBe('19')
    expect((await login(p.browser())).status).toBe(401) // another address is not affected
  })

  it('count the address the edge saw, whatever X-Forwarded-For the client sends', async () => {
    const edge = await startRole('frontend', createFrontendApp, {
      env: { PORT: '0', BACKEND_URL: p.backend.url, LOG_LEVEL: 'error' },
      migrationsDir: MIGRATIONS_DIR,
      assetsDir: '/none',
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
        (i % 2 ? b : other).call('GET', '/api/auth/me', {
          headers: { authorization: `Bearer ${b.token}` },
        }),
      ),
    )
    expect(replies.filter((r) => r.status === 200)).toHaveLength(50)
    expect(replies.filter((r) => r.status === 429)).toHaveLength(10)
  })

  it('keep their headers and the request id on answers passed on from a core role', async () => {
    const b = p.browser()
    await b.register()
    const own = await b.call('GET', '/api/whoami') // answered by the backend itself
    const passed = await b.call('GET', '/api/credits/balance') // answered by the credit role
    expect(passed.status).toBe(200)
    expect(passed.headers.get('ratelimit-limit')).toBe(own.headers.get('ratelimit-limit'))
    expect(Number(passed.headers.get('ratelimit-reset'))).toBeGreaterThan(0)
    expect(Number(passed.headers.get('ratelimit-remaining'))).toBe(
      Number(own.headers.get('ratelimit-remaining')) - 1,
    )
    expect(passed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  // The limiter's own refusal, as opposed to the AI service (not started here) being unreachable.
  const limiterClosed = (r: { status: number; body: { error?: { message: string } } }) =>
    r.status === 503 && /AI features/.test(r.body.error?.message ?? '')
  const translate = (b: ReturnType<PlatformHarness['browser']>) =>
    b.call('POST', '/api/ai/translate', { body: { text: 'hello', from: 'en', to: 'de' } })

  it('treat a slow answer from a Redis that answers as load: every route goes on, AI routes too', async () => {
    const b = p.browser()
    await b.register()
    await redis.pause(1500) // connected, answering late, as under load
    expect((await b.call('GET', '/api/auth/me')).status).toBe(200)
    expect(limiterClosed(await translate(b))).toBe(false)
  })

  it('close AI routes (503, Retry-After) when Redis is down or has not answered for seconds; the rest go on', async () => {
    const b = p.browser()
    await b.register()
    await redis.pause(8000)
    await new Promise((r) => setTimeout(r, 5500)) // nothing answered for longer than a busy process explains
    const hung = await translate(b)
    expect(limiterClosed(hung)).toBe(true)
    expect(hung.headers.get('retry-after')).toBe('5')

    await redis.stop()
    expect((await b.call('GET', '/api/auth/me')).status).toBe(200)
    const refused = await translate(b)
    expect(limiterClosed(refused)).toBe(true)
    expect(refused.body.error.code).toBe('UNAVAILABLE')
    await redis.start()
  }, 30_000)
})

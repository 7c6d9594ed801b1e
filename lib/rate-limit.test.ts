import { afterAll, describe, expect, it } from 'vitest'
import type { Kv } from './kv'
import { createKv } from './node/kv'
import { createLimiter } from './rate-limit'
import { deniedKey, denySessions } from './revocation'

const stores: [string, Kv][] = [['the in-memory store', createKv()]]
if (process.env.REDIS_URL) stores.push(['Redis at REDIS_URL', createKv(process.env.REDIS_URL)])
afterAll(() => Promise.all(stores.map(([, kv]) => kv.close())))

const unique = () => `test-${crypto.randomUUID()}`

describe.each(stores)('rate limiter on %s', (_name, kv) => {
  it('allows exactly 50 of 60 requests within a window', async () => {
    const check = createLimiter(kv, unique(), { limit: 50, windowS: 60, timeoutMs: 2000 })
    const results = []
    for (let i = 0; i < 60; i++) results.push(await check('user-1'))
    expect(results.filter((r) => r.allowed)).toHaveLength(50)
    expect(results.every((r) => !r.failure)).toBe(true)
    expect(results[49]).toMatchObject({ allowed: true, remaining: 0, limit: 50 })
    expect(results[50].allowed).toBe(false)
    expect(results[50].resetAt).toBeGreaterThan(Date.now())
  })

  it('shares one count between instances and keeps users apart', async () => {
    const name = unique()
    const one = createLimiter(kv, name, { limit: 50, windowS: 60, timeoutMs: 2000 })
    const two = createLimiter(kv, name, { limit: 50, windowS: 60, timeoutMs: 2000 })
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? one : two)('user-2')),
    )
    expect(results.filter((r) => r.allowed)).toHaveLength(50)
    expect((await one('user-3')).allowed).toBe(true)
  })

  it('answers a revoked session in the same script, counting nothing for it', async () => {
    const check = createLimiter(kv, unique(), { limit: 2, windowS: 60, timeoutMs: 2000 })
    const sid = crypto.randomUUID()
    await denySessions(kv, [sid], 60)
    expect(await check('user-5', deniedKey(sid))).toMatchObject({ allowed: false, revoked: true })
    const other = deniedKey(crypto.randomUUID())
    expect(await check('user-5', other)).toMatchObject({ allowed: true, remaining: 1 })
    expect(await check('user-5', other)).toMatchObject({ allowed: true, remaining: 0 })
    expect((await check('user-5', other)).allowed).toBe(false)
  })
})

describe('rate limiter without its store', () => {
  it('reports the failure instead of allowing silently', async () => {
    const dead = createKv('redis://127.0.0.1:1')
    const result = await createLimiter(dead, unique(), { limit: 5, windowS: 60, timeoutMs: 100 })(
      'user-4',
    )
    await dead.close()
    expect(result.allowed).toBe(false)
    expect(result.failure).toMatch(/timeout|error/)
  })
})

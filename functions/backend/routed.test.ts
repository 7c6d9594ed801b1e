import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

// A loopback server standing where the AI and credit services will be, reporting what reached it. It never
// has a free cache hit: asked for one before the hold (x-free-only), it answers 204 and records nothing.
let upstream: Server
const seen: { url?: string; headers: IncomingHttpHeaders; body: string }[] = []
let p: PlatformHarness

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      if (req.headers['x-free-only'] === 'true') return res.writeHead(204).end()
      seen.push({ url: req.url, headers: req.headers, body })
      if (body.includes('fail'))
        return res
          .writeHead(502, { 'content-type': 'application/json' })
          .end('{"error":{"code":"UPSTREAM_FAILED"}}')
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-cost-micros': '12345' })
        .end(JSON.stringify({ ok: true }))
    })
  })
  await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok))
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
  p = await platformHarness({ backendEnv: { AI_URL: url } })
})
afterAll(async () => {
  await p?.close()
  upstream?.close()
})

const setRole = (email: string, role: string) =>
  p.db.owner.query(`update public.users set role = $2 where email = $1`, [email, role])

describe('routing table', () => {
  it('sends an AI call to the AI service with the provider and model for the user type', async () => {
    const expectations: [string, string, string | undefined][] = [
      ['user', 'deepseek', undefined],
      ['plus', 'chatgpt', 'deepseek:deepseek-chat'],
      ['premium', 'claude', 'chatgpt:gpt-4o'],
    ]
    for (const [role, provider, fallback] of expectations) {
      const b = p.browser()
      const { email } = await b.register()
      await setRole(email, role)
      await b.call('POST', '/api/auth/refresh', { auth: false }) // a token that carries the new role
      seen.length = 0
      const res = await b.call('POST', '/api/ai/translate', {
        body: { text: 'Haus', from: 'de', to: 'en' },
      })
      expect(res.status).toBe(200)
      expect(seen[0]).toMatchObject({
        url: '/ai/translate',
        body: '{"text":"Haus","from":"de","to":"en"}',
      })
      expect(seen[0].headers).toMatchObject({
        'x-ai-provider': provider,
        authorization: `Bearer ${b.token}`,
      })
      expect(seen[0].headers['x-ai-fallback']).toBe(fallback)
      expect(seen[0].headers['x-service-token']).toEqual(expect.any(String))
      expect(seen[0].headers['x-request-id']).toEqual(expect.any(String))
    }
  })

  it('keeps admin routes to admins and signed-in routes to signed-in users', async () => {
    const b = p.browser()
    await b.register()
    expect((await b.call('GET', '/api/admin/stats')).status).toBe(403)
    expect((await b.call('GET', '/api/credits/balance', { auth: false })).status).toBe(401)
    const history = await b.call('GET', '/api/credits/history?limit=5')
    expect(history.status).toBe(200)
    expect(history.body.items.map((t: { kind: string }) => t.kind)).toEqual(['grant'])
  })
})

describe('paid routes', () => {
  const pending = async (email: string) =>
    Number(
      (
        await p.db.owner.query<{ pending: string }>(
          `select a.pending from credit.accounts a join public.users u on u.id = a.user_id where u.email = $1`,
          [email],
        )
      )[0].pending,
    )

  it('hold the most a call can cost, settle at the reported cost, and charge nothing for a failed call', async () => {
    const b = p.browser()
    const { email } = await b.register()
    const ok = await b.call('POST', '/api/ai/translate', {
      body: { text: 'Haus', from: 'de', to: 'en' },
    })
    expect(ok.headers.get('x-cost-micros')).toBe('12345')
    expect(await pending(email)).toBe(2345) // one cent went to the ledger, the rest waits
    const failed = await b.call('POST', '/api/ai/translate', {
      body: { text: 'fail', from: 'de', to: 'en' },
    })
    expect(failed.status).toBe(502)
    expect(await pending(email)).toBe(2345)
    const balance = await b.call('GET', '/api/credits/balance')
    expect(balance.body).toMatchObject({ balance: 490_000, held: 0, pending: 2345 })
  })

  it('charge a retried request with the same Idempotency-Key once', async () => {
    const b = p.browser()
    const { email } = await b.register()
    const send = () =>
      b.call('POST', '/api/ai/examples', {
        body: { text: 'Baum', from: 'de', to: 'en' },
        headers: { 'idempotency-key': 'retry-me-0001' },
      })
    const [first, again] = [await send(), await send()]
    expect([first.status, again.status]).toEqual([200, 200])
    expect(again.body).toEqual(first.body)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await pending(email)).toBe(2345)
    expect((await b.call('GET', '/api/credits/balance')).body.balance).toBe(490_000)
  })

  it('refuse with 402 before calling the service when credits are short', async () => {
    const b = p.browser()
    const { res } = await b.register()
    await b.call('GET', '/api/credits/balance') // this month's 0.50 € grant
    const drain = await p.service('credit', '/internal/charges', {
      body: { userId: res.body.user.id, amount: 498_000, key: `drain:${res.body.user.id}` },
    })
    expect(drain.status).toBe(200) // 2,000 µ€ left: less than an image costs
    seen.length = 0
    const refused = await b.call('POST', '/api/ai/image', { body: { prompt: 'a tree' } })
    expect(refused.status).toBe(402)
    expect(refused.body.error.code).toBe('PAYMENT_REQUIRED')
    expect(seen).toHaveLength(0)
  })
})

describe('service availability', () => {
  it('answers 503 with Retry-After at once while a service is down, after a few failed calls', async () => {
    const second = await p.startBackend({ AI_URL: 'http://127.0.0.1:9' })
    const b = p.browser(second.url)
    await b.register()
    const replies = []
    for (let i = 0; i < 4; i++)
      replies.push(
        await b.call('POST', '/api/ai/explain', { body: { text: 'der', from: 'de', to: 'en' } }),
      )
    expect(replies.map((r) => r.status)).toEqual([503, 503, 503, 503])
    expect(replies[3].body.error).toMatchObject({ code: 'UNAVAILABLE', details: { service: 'ai' } })
    expect(Number(replies[3].headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await b.call('GET', '/api/status')).body).toEqual({ status: 'degraded' })
  })
})

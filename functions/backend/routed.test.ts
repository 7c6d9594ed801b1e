import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../lib/node/platform-harness'

// A loopback server standing where the AI and credit services will be, reporting what reached it.
let upstream: Server
const seen: { url?: string; headers: IncomingHttpHeaders; body: string }[] = []
let p: PlatformHarness

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      seen.push({ url: req.url, headers: req.headers, body })
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }))
    })
  })
  await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok))
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
  p = await platformHarness({ backendEnv: { AI_URL: url, CREDIT_URL: url } })
})
afterAll(async () => {
  await p?.close()
  upstream?.close()
})

const setRole = (email: string, role: string) => p.db.owner.query(`update public.users set role = $2 where email = $1`, [email, role])

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
      const res = await b.call('POST', '/api/ai/translate', { body: { text: 'Haus', from: 'de', to: 'en' } })
      expect(res.status).toBe(200)
      expect(seen[0]).toMatchObject({ url: '/ai/translate', body: '{"text":"Haus","from":"de","to":"en"}' })
      expect(seen[0].headers).toMatchObject({ 'x-ai-provider': provider, authorization: `Bearer ${b.token}` })
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
    seen.length = 0
    expect((await b.call('GET', '/api/credits/history?page=2')).status).toBe(200)
    expect(seen[0].url).toBe('/credits/history?page=2')
  })
})

describe('service availability', () => {
  it('answers 503 with Retry-After at once while a service is down, after a few failed calls', async () => {
    const second = await p.startBackend({ AI_URL: 'http://127.0.0.1:9' })
    const b = p.browser(second.url)
    await b.register()
    const replies = []
    for (let i = 0; i < 4; i++) replies.push(await b.call('POST', '/api/ai/explain', { body: { text: 'der' } }))
    expect(replies.map((r) => r.status)).toEqual([503, 503, 503, 503])
    expect(replies[3].body.error).toMatchObject({ code: 'UNAVAILABLE', details: { service: 'ai' } })
    expect(Number(replies[3].headers.get('retry-after'))).toBeGreaterThan(0)
    const status = await b.call('GET', '/api/status')
    expect(status.body.error.details.services.ai).toBe('down')
  })
})

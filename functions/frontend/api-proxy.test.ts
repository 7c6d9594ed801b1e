import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gunzipSync } from 'node:zlib'
import { rawRequest } from '../../test/raw-http'
import { MIGRATIONS_DIR } from '../../lib/node/migrations'
import { startRole, type RoleServer } from '../../deploy/serve'
import createFrontendApp from './index'
import { must } from '../../test/must'

const BIG = JSON.stringify({
  items: Array.from({ length: 200 }, (_, i) => ({ id: i, front: `word ${i}` })),
})
// A loopback peer standing where the backend would be, reporting what reached it.
let upstream: Server
let seen: {
  method?: string
  url?: string
  headers: IncomingHttpHeaders
  body: string
  port?: number
}[] = []
let frontend: RoleServer
let backendUrl: string

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body,
        port: req.socket.remotePort,
      })
      if (req.url?.startsWith('/api/big')) {
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end(BIG)
      }
      res.statusCode = 201
      res.setHeader('content-type', 'application/json')
      res.setHeader('set-cookie', 'rt=1; HttpOnly')
      res.setHeader('content-security-policy', "default-src 'none'") // as the backend's API CSP
      res.setHeader('x-frame-options', 'DENY')
      res.end(JSON.stringify({ ok: true })) // with its Content-Length, as the backend sends it
    })
  })
  await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok))
  backendUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
  frontend = await startRole('frontend', createFrontendApp, {
    env: { PORT: '0', BACKEND_URL: backendUrl, LOG_LEVEL: 'error' },
    migrationsDir: MIGRATIONS_DIR,
    assetsDir: new URL('../../web/dist/', import.meta.url).pathname,
  })
})
afterAll(async () => {
  await frontend?.close()
  upstream?.close()
})

describe('frontend /api proxy', () => {
  it('passes method, path, query and body through, and relays the answer', async () => {
    seen = []
    const res = await fetch(`${frontend.url}/api/decks?page=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: JSON.stringify({ name: 'Verbs' }),
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('set-cookie')).toBe('rt=1; HttpOnly')
    expect(await res.json()).toEqual({ ok: true })
    expect(seen).toMatchObject([
      { method: 'POST', url: '/api/decks?page=2', body: '{"name":"Verbs"}' },
    ])
    expect(seen[0].headers.authorization).toBe('Bearer t')
    // The edge's own security headers replace the backend's, each sent once.
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src/)
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
  })

  it('takes a body sent after 100 Continue, as curl sends one over 1 MB', async () => {
    seen = []
    const status = await new Promise<number | undefined>((ok, fail) => {
      const req = request(`${frontend.url}/api/imports`, {
        method: 'POST',
        headers: { expect: '100-continue', 'content-type': 'application/octet-stream' },
      })
      req.on('continue', () => req.end('package bytes'))
      req.on('response', (res) => ok(res.resume().statusCode))
      req.on('error', fail)
    })
    expect(status).toBe(201)
    expect(seen).toMatchObject([{ method: 'POST', url: '/api/imports', body: 'package bytes' }])
    expect(seen[0].headers.expect).toBeUndefined()
  })

  it('replaces client-sent forwarding headers and request id with its own', async () => {
    seen = []
    await fetch(`${frontend.url}/api/whoami`, {
      headers: {
        'x-forwarded-for': '6.6.6.6',
        'x-real-ip': '6.6.6.6',
        forwarded: 'for=6.6.6.6',
        'x-request-id': 'chosen-by-client',
      },
    })
    const h = seen[0].headers
    expect(h['x-forwarded-for']).toBe('127.0.0.1')
    expect(h['x-real-ip']).toBeUndefined()
    expect(h.forwarded).toBeUndefined()
    expect(h['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('allows CORS only for the configured origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${frontend.url}/api/decks`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      })
    const ok = await preflight('http://127.0.0.1:8080')
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080')
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true')
    const evil = await preflight('https://evil.example')
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('sends HSTS only over HTTPS', async () => {
    expect(
      (await fetch(`${frontend.url}/healthz`)).headers.get('strict-transport-security'),
    ).toBeNull()
    const tls = await fetch(`${frontend.url}/healthz`, {
      headers: { 'x-forwarded-proto': 'https' },
    })
    expect(tls.headers.get('strict-transport-security')).toContain('max-age=31536000')
  })

  it('reaches the backend over kept-alive connections of its pool', async () => {
    seen = []
    for (let i = 0; i < 5; i++) await fetch(`${frontend.url}/api/whoami`)
    expect(new Set(seen.map((s) => s.port)).size).toBe(1)
    // Not fetch on Node: fetch would add an Accept-Encoding of its own.
    expect(seen[0].headers['accept-encoding']).toBeUndefined()
  })

  it('gzips answers over 1 kB for clients that take gzip, and nothing else', async () => {
    const get = (path: string, encoding?: string) =>
      rawRequest(frontend.url + path, { headers: encoding ? { 'accept-encoding': encoding } : {} })
    const zipped = await get('/api/big', 'gzip, deflate, br')
    expect(zipped.headers['content-encoding']).toBe('gzip')
    expect(zipped.headers.vary).toContain('Accept-Encoding')
    expect(gunzipSync(zipped.body).toString()).toBe(BIG)
    expect(zipped.body.length).toBeLessThan(BIG.length / 3)
    // The backend never sees an Accept-Encoding (neither the client's nor fetch's own): the edge compresses.
    expect(must(seen.at(-1)).headers['accept-encoding']).toBeUndefined()
    for (const refused of [undefined, 'br', 'gzip;q=0']) {
      const plain = await get('/api/big', refused)
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(plain.headers.vary).toContain('Accept-Encoding')
      expect(plain.body.toString()).toBe(BIG)
    }
    const small = await get('/api/whoami', 'gzip')
    expect(small.headers['content-encoding']).toBeUndefined()
    expect(JSON.parse(small.body.toString())).toEqual({ ok: true })
  })

  it('answers 503 in the error shape when the backend is unreachable', async () => {
    const down = await startRole('frontend', createFrontendApp, {
      env: { PORT: '0', BACKEND_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'error' },
      migrationsDir: MIGRATIONS_DIR,
      assetsDir: '/nonexistent',
    })
    try {
      const res = await fetch(`${down.url}/api/anything`)
      expect(res.status).toBe(503)
      expect((await res.json()).error.code).toBe('UNAVAILABLE')
      // The SPA is still served (it shows the outage): a backend outage never pulls the frontend.
      const ready = await fetch(`${down.url}/readyz`)
      expect(ready.status).toBe(200)
      expect(await ready.json()).toEqual({
        status: 'degraded',
        role: 'frontend',
        checks: { backend: 'down' },
      })
    } finally {
      await down.close()
    }
  })
})

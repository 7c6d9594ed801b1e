import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createApp, type AppEnv, type Deps } from './app'
import { loadConfig } from './config'
import { createDb } from './db/db'
import { ApiError } from './errors'
import { createLogger } from './log'
import { validate } from './validate'

const Body = z.object({ name: z.string().min(1), count: z.number().int() })

function testApp(extra: Partial<Deps> = {}) {
  const lines: Record<string, unknown>[] = []
  const config = loadConfig('frontend', { BODY_LIMIT_BYTES: '2048' })
  const log = createLogger('auth', 'debug', (l) => lines.push(JSON.parse(l)))
  const routes = new Hono<AppEnv>()
    .post('/echo', validate('json', Body), (c) => c.json(c.req.valid('json')))
    .get('/boom', () => {
      throw new Error('secret internals: password=hunter2')
    })
    .get('/upstream', () => {
      const provider = Object.assign(
        new Error('401 invalid x-api-key for sk-live-0123456789abcdef'),
        { status: 401 },
      )
      throw new ApiError('UPSTREAM_FAILED', 'The AI provider failed; try again', undefined, {
        cause: new Error('retries exhausted', { cause: provider }),
      })
    })
    .get('/teapot', () => {
      throw new ApiError('CONFLICT', 'Already there', { id: 1 })
    })
  const app = createApp('auth', { config, log, ...extra }).route('/t', routes)
  return { app, lines }
}

const post = (app: ReturnType<typeof testApp>['app'], body: string, type = 'application/json') =>
  app.request('/t/echo', { method: 'POST', body, headers: { 'content-type': type } })

describe('createApp errors', () => {
  it('accepts a valid body', async () => {
    const res = await post(testApp().app, JSON.stringify({ name: 'x', count: 2 }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: 'x', count: 2 })
  })

  it.each([
    ['malformed JSON', '{"name":', 'application/json', 400, 'BAD_REQUEST'],
    [
      'a wrong content type',
      'name=x',
      'application/x-www-form-urlencoded',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an oversized body',
      JSON.stringify({ name: 'x'.repeat(5000), count: 1 }),
      'application/json',
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('answers %s with the error shape', async (_what, body, type, status, code) => {
    const res = await post(testApp().app, body, type)
    expect(res.status).toBe(status)
    const json = await res.json()
    expect(json.error).toMatchObject({
      code,
      message: expect.any(String),
      requestId: expect.any(String),
    })
  })

  it('names the fields that fail validation', async () => {
    const res = await post(testApp().app, JSON.stringify({ name: '', count: 'two' }))
    expect(res.status).toBe(400)
    const { error } = await res.json()
    expect(error.code).toBe('BAD_REQUEST')
    expect(error.details.map((d: { path: string }) => d.path).sort()).toEqual(['count', 'name'])
  })

  it('answers an unknown route with 404 in the error shape', async () => {
    const res = await testApp().app.request('/nowhere')
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe('NOT_FOUND')
  })

  it('passes an ApiError through with its status and details', async () => {
    const res = await testApp().app.request('/t/teapot')
    expect(res.status).toBe(409)
    expect((await res.json()).error).toMatchObject({
      code: 'CONFLICT',
      message: 'Already there',
      details: { id: 1 },
    })
  })

  it('answers an exception with 500 without leaking its message, and logs it', async () => {
    const { app, lines } = testApp()
    const res = await app.request('/t/boom')
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(text).not.toContain('hunter2')
    expect(JSON.parse(text).error).toMatchObject({
      code: 'INTERNAL',
      message: 'Something went wrong',
    })
    expect(
      lines.some((l) => l.level === 'error' && String(l.causes).includes('secret internals')),
    ).toBe(true)
  })
})

describe('createApp plumbing', () => {
  it('keeps a trusted upstream request id and logs one line per request', async () => {
    const { app, lines } = testApp()
    const res = await app.request('/t/teapot', { headers: { 'x-request-id': 'upstream-1234' } })
    expect(res.headers.get('x-request-id')).toBe('upstream-1234')
    expect((await res.json()).error.requestId).toBe('upstream-1234')
    const access = lines.filter((l) => l.msg === 'request')
    expect(access).toEqual([
      expect.objectContaining({
        role: 'auth',
        method: 'GET',
        route: '/t/teapot',
        status: 409,
        requestId: 'upstream-1234',
      }),
    ])
    expect(typeof access[0].ms).toBe('number')
  })

  it('replaces a request id that is not well-formed', async () => {
    const res = await testApp().app.request('/healthz', { headers: { 'x-request-id': 'bad id\n' } })
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('sets security headers', async () => {
    const res = await testApp().app.request('/healthz')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('sets the same security headers when served by Node, on answers and errors alike', async () => {
    const { app } = testApp()
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((ok) => server.once('listening', ok))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      for (const path of ['/healthz', '/t/teapot', '/t/boom']) {
        const expected = [...(await app.request(path)).headers].filter(([name]) =>
          /policy|cross-origin|^x-(?!request-id)|origin-agent/.test(name),
        )
        expect(expected.length).toBeGreaterThan(10)
        const served = (await fetch(url + path)).headers
        for (const [name, value] of expected) expect(served.get(name), name).toBe(value)
      }
    } finally {
      server.close()
    }
  })

  it('answers /readyz with 503 naming the dependency that is down', async () => {
    const db = createDb({
      role: 'lingudesk_auth',
      connect: async () => {
        throw new Error('connection refused')
      },
    })
    const res = await testApp({ db, checks: { mail: async () => {} } }).app.request('/readyz')
    expect(res.status).toBe(503)
    const { error } = await res.json()
    expect(error.message).toContain('db')
    expect(error.details.checks).toEqual({ db: 'down', mail: 'up' })
  })

  it('logs an ApiError of 500 or more with its whole cause chain at error level, keys redacted', async () => {
    const { app, lines } = testApp()
    const res = await app.request('/t/upstream')
    expect(res.status).toBe(502)
    const logged = lines.find((l) => l.msg === 'request failed')
    expect(logged).toMatchObject({
      level: 'error',
      code: 'UPSTREAM_FAILED',
      status: 502,
      requestId: expect.any(String),
    })
    expect(logged?.causes).toEqual([
      'Error: The AI provider failed; try again',
      'Error: retries exhausted',
      'Error: 401 invalid x-api-key for [redacted]',
    ])
  })

  it('logs an ApiError under 500 at debug level only', async () => {
    const { app, lines } = testApp()
    await app.request('/t/teapot')
    expect(lines.filter((l) => l.msg === 'request refused').map((l) => [l.level, l.code])).toEqual([
      ['debug', 'CONFLICT'],
    ])
  })
})

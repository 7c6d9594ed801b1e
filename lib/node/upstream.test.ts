import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { poolSend, poolUpstream } from './upstream'

let server: Server
let base: string
const BIG = 'x'.repeat(200_000) // over what the pool reads whole: streamed through

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/echo') {
      res.setHeader('content-type', req.headers['content-type'] ?? 'text/plain')
      return req.pipe(res)
    }
    if (req.url === '/big') return res.end(BIG)
    if (req.url === '/cookies') {
      res.setHeader('set-cookie', ['a=1; HttpOnly', 'b=2; HttpOnly'])
      res.setHeader('keep-alive', 'timeout=5')
      return res.end('{}')
    }
    if (req.url === '/silent') return // never answers
    if (req.url === '/moved') {
      res.writeHead(302, { location: '/elsewhere' })
      return res.end()
    }
    res.writeHead(304, { etag: '"1"' })
    res.end()
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => server.close())

describe('the edge upstream on Node (a keep-alive pool)', () => {
  const upstream = () => poolUpstream(base, { connections: 4 })
  const get = (path: string, method = 'GET') => ({ method, path, headers: {}, body: null })

  it('streams a request body up and a large answer down', async () => {
    const u = upstream()
    try {
      const body = new Blob([BIG]).stream()
      const echo = await u.request({
        method: 'POST',
        path: '/echo',
        headers: { 'content-type': 'application/json' },
        body,
      })
      expect(echo.headers.get('content-type')).toBe('application/json')
      expect(await echo.text()).toBe(BIG)
      expect(await (await u.request(get('/big'))).text()).toBe(BIG)
    } finally {
      await u.close()
    }
  })

  it('keeps every Set-Cookie, drops hop-by-hop headers, leaves redirects and 304 alone', async () => {
    const u = upstream()
    try {
      const cookies = await u.request(get('/cookies'))
      expect(cookies.headers.getSetCookie()).toEqual(['a=1; HttpOnly', 'b=2; HttpOnly'])
      expect(cookies.headers.get('keep-alive')).toBeNull()
      expect(cookies.headers.get('connection')).toBeNull()
      cookies.headers.set('x-edge', '1') // the edge's middleware adds its own headers
      const moved = await u.request(get('/moved'))
      expect(moved.status).toBe(302)
      expect(moved.headers.get('location')).toBe('/elsewhere')
      const same = await u.request(get('/cached'))
      expect(same.status).toBe(304)
      expect(same.body).toBeNull()
      expect((await u.request(get('/cookies', 'HEAD'))).body).toBeNull()
    } finally {
      await u.close()
    }
  })

  it('rejects when the backend cannot be reached', async () => {
    const u = poolUpstream('http://127.0.0.1:9')
    await expect(u.request(get('/'))).rejects.toThrow()
    await u.close()
  })

  it('gives up a call between roles when its signal says so', async () => {
    const send = poolSend()
    const signal = AbortSignal.timeout(100)
    const call = send(new URL('/silent', base), { method: 'GET', headers: {}, signal })
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' })
    const ok = await send(new URL('/cookies', base), {
      method: 'GET',
      headers: {},
      signal: AbortSignal.timeout(1000),
    })
    expect(await ok.json()).toEqual({})
  })
})

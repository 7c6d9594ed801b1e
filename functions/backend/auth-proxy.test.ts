import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { must } from '../../test/must'

let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness()
})
afterAll(() => p.close())

describe('/api/auth through the backend', () => {
  it('puts the refresh token in an HttpOnly, SameSite=Lax cookie, never in the body', async () => {
    const b = p.browser()
    const { res } = await b.register()
    expect(res.body.accessToken).toEqual(expect.any(String))
    expect(res.body.refreshToken).toBeUndefined()
    const [cookie] = res.setCookie
    expect(cookie).toMatch(
      /^ld_refresh=[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/api\/auth; HttpOnly; SameSite=Lax$/,
    )
  })

  it('keeps the cookie as long as the refresh token lives (REFRESH_TOKEN_TTL_S)', async () => {
    const month = await platformHarness({ authEnv: { REFRESH_TOKEN_TTL_S: String(30 * 86_400) } })
    try {
      const { res } = await month.browser().register()
      expect(res.body.refreshExpiresIn).toBeUndefined()
      expect(res.setCookie[0]).toMatch(/; Max-Age=2592000; /)
    } finally {
      await month.close()
    }
  })

  it('uses a Secure __Host- cookie when the request came over HTTPS', async () => {
    const { email, password } = await p.browser().register()
    const res = await p.browser().call('POST', '/api/auth/login', {
      body: { email, password },
      headers: { 'x-forwarded-proto': 'https' },
    })
    expect(res.setCookie[0]).toMatch(
      /^__Host-ld_refresh=.*; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    )
  })

  it('refreshes from the cookie, rotating it, only by POST from an allowed Origin', async () => {
    const b = p.browser()
    await b.register()
    const before = b.jar.get('ld_refresh')
    const ok = await b.call('POST', '/api/auth/refresh', { auth: false })
    expect(ok.status).toBe(200)
    expect(ok.body.accessToken).toEqual(expect.any(String))
    expect(ok.body.refreshToken).toBeUndefined()
    expect(b.jar.get('ld_refresh')).not.toBe(before)
    const evil = await b.call('POST', '/api/auth/refresh', {
      auth: false,
      headers: { origin: 'https://evil.example' },
    })
    expect(evil.status).toBe(403)
    expect((await b.call('GET', '/api/auth/refresh', { auth: false })).status).toBe(401) // GET is not refresh
  })

  it('without a cookie, refresh answers 401 SESSION_EXPIRED', async () => {
    const res = await p.browser().call('POST', '/api/auth/refresh')
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('SESSION_EXPIRED')
  })

  it('logout ends the session and clears the cookie', async () => {
    const b = p.browser()
    await b.register()
    const cookie = must(b.jar.get('ld_refresh'))
    const res = await b.call('POST', '/api/auth/logout')
    expect(res.status).toBe(204)
    expect(res.setCookie[0]).toMatch(/^ld_refresh=; Max-Age=0; Path=\/api\/auth/)
    b.jar.set('ld_refresh', cookie) // a copy kept by an attacker is dead too
    expect((await b.call('POST', '/api/auth/refresh', { auth: false })).status).toBe(401)
  })

  it('checks the access token itself before a signed-in route reaches auth', async () => {
    const b = p.browser()
    await b.register()
    expect((await b.call('GET', '/api/auth/me')).status).toBe(200)
    const forged = await b.call('GET', '/api/auth/me', {
      auth: false,
      headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' },
    })
    expect(forged.status).toBe(401)
    expect((await b.call('GET', '/api/auth/me', { auth: false })).status).toBe(401)
  })

  it('passes the client address the edge set on to auth’s audit log', async () => {
    const b = p.browser()
    const { res } = await b.register()
    const rows = await p.db.owner.query<{ ip: string }>(
      `select ip from audit.events where subject_id = $1`,
      [res.body.user.id],
    )
    expect(rows.map((r) => r.ip)).toEqual([b.ip])
  })

  it('answers malformed JSON and a non-JSON body in the error shape', async () => {
    const b = p.browser()
    const bad = await fetch(`${p.backend.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': b.ip },
      body: '{"email":',
    })
    expect(bad.status).toBe(400)
    const text = await fetch(`${p.backend.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-forwarded-for': b.ip },
      body: 'hi',
    })
    expect(text.status).toBe(415)
    expect((await text.json()).error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeOidc, startFakeOidc } from '../../test/fake-oidc'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { must } from '../../test/must'

let google: FakeOidc
let p: PlatformHarness
beforeAll(async () => {
  google = await startFakeOidc({ clientId: 'gw-client', clientSecret: 'gw-secret' })
  p = await platformHarness({
    authEnv: {
      GOOGLE_CLIENT_ID: 'gw-client',
      GOOGLE_CLIENT_SECRET: 'gw-secret',
      GOOGLE_ISSUER: google.issuer,
      GOOGLE_AUTH_URL: google.urls.auth,
      GOOGLE_TOKEN_URL: google.urls.token,
      GOOGLE_JWKS_URL: google.urls.jwks,
    },
  })
})
afterAll(async () => {
  await p?.close()
  await google?.close()
})

describe('OAuth through the gateway', () => {
  it('lands the browser on the SPA with a refresh cookie, and only the browser that started it', async () => {
    const email = `oauth.${Date.now()}@example.com`
    google.state.identity = { sub: `gw-${email}`, email, email_verified: true, name: 'Olga' }
    const b = p.browser()
    const start = await b.call('POST', '/api/auth/oauth/google/start')
    expect(start.status).toBe(200)
    expect(b.jar.get('ld_oauth')).toEqual(expect.any(String))
    const { code, state } = await google.consent(start.body.url)

    const stranger = p.browser()
    const csrf = await stranger.call(
      'GET',
      `/api/auth/oauth/google/callback?code=${code}&state=${state}`,
    )
    expect(csrf.status).toBe(303)
    expect(csrf.headers.get('location')).toBe('/#/signin?error=oauth_state')

    const back = await fetch(
      `${p.backend.url}/api/auth/oauth/google/callback?code=${code}&state=${state}`,
      {
        redirect: 'manual',
        headers: { cookie: `ld_oauth=${b.jar.get('ld_oauth')}`, 'x-forwarded-for': b.ip },
      },
    )
    expect(back.status).toBe(303)
    expect(back.headers.get('location')).toBe('/#/')
    const refresh = must(back.headers.getSetCookie().find((c) => c.startsWith('ld_refresh=')))
    b.jar.set('ld_refresh', refresh.split(';')[0].split('=')[1])
    const session = await b.call('POST', '/api/auth/refresh', { auth: false })
    expect(session.status).toBe(200)
    expect((await b.call('GET', '/api/whoami')).body).toMatchObject({
      email,
      name: 'Olga',
      userType: 'free',
    })
  })
})

import { exportPKCS8, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthHarness, authHarness } from '../../test/auth-harness'
import { type FakeOidc, startFakeOidc } from '../../test/fake-oidc'
import { must } from '../../test/must'

let h: AuthHarness
let google: FakeOidc
let apple: FakeOidc

beforeAll(async () => {
  const appleKey = await generateKeyPair('ES256', { extractable: true })
  google = await startFakeOidc({ clientId: 'google-client', clientSecret: 'google-secret' })
  apple = await startFakeOidc({
    clientId: 'com.lingudesk.web',
    apple: { teamId: 'TEAM123', publicKey: appleKey.publicKey },
  })
  h = await authHarness({
    GOOGLE_CLIENT_ID: 'google-client',
    GOOGLE_CLIENT_SECRET: 'google-secret',
    GOOGLE_ISSUER: google.issuer,
    GOOGLE_AUTH_URL: google.urls.auth,
    GOOGLE_TOKEN_URL: google.urls.token,
    GOOGLE_JWKS_URL: google.urls.jwks,
    APPLE_CLIENT_ID: 'com.lingudesk.web',
    APPLE_TEAM_ID: 'TEAM123',
    APPLE_KEY_ID: 'KEY123',
    APPLE_PRIVATE_KEY: await exportPKCS8(appleKey.privateKey),
    APPLE_ISSUER: apple.issuer,
    APPLE_AUTH_URL: apple.urls.auth,
    APPLE_TOKEN_URL: apple.urls.token,
    APPLE_JWKS_URL: apple.urls.jwks,
  })
})
afterAll(async () => {
  await h?.close()
  await google?.close()
  await apple?.close()
})

const signIn = async (
  provider: 'google' | 'apple',
  fake: FakeOidc,
  extra: Record<string, string> = {},
) => {
  const start = await h.call('POST', `/auth/oauth/${provider}/start`)
  expect(start.status).toBe(200)
  const { code, state } = await fake.consent(start.body.url)
  return h.call('POST', `/auth/oauth/${provider}/callback`, { body: { code, state, ...extra } })
}

describe('OAuth sign-in', () => {
  it('lists the configured providers', async () => {
    expect((await h.call('GET', '/auth/oauth/providers')).body).toEqual({
      providers: ['google', 'apple'],
    })
  })

  it('Google: creates a verified account on first sign-in and finds it again by subject', async () => {
    const email = h.email()
    google.state.identity = { sub: `g-${email}`, email, email_verified: true, name: 'Grace' }
    const first = await signIn('google', google)
    expect(first.status).toBe(200)
    expect(first.body.user).toMatchObject({ email, name: 'Grace', emailVerified: true })
    expect(google.state.authorize).toMatchObject({
      code_challenge_method: 'S256',
      scope: 'openid email profile',
    })
    const second = await signIn('google', google)
    expect(second.body.user.id).toBe(first.body.user.id)
    expect((await h.call('GET', '/auth/me', { token: second.body.accessToken })).status).toBe(200)
  })

  it('Apple: form_post, an ES256 client secret, and the name the first answer carries', async () => {
    const email = h.email()
    apple.state.identity = { sub: `a-${email}`, email, email_verified: 'true' }
    const res = await signIn('apple', apple, { name: 'Alan' })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ email, name: 'Alan', emailVerified: true })
    expect(apple.state.authorize).toMatchObject({ response_mode: 'form_post', scope: 'name email' })
  })

  it('links an existing account only when the provider verified the email', async () => {
    const u = await h.register()
    google.state.identity = { sub: `unverified-${u.email}`, email: u.email, email_verified: false }
    const refused = await signIn('google', google)
    expect(refused.status).toBe(409)
    google.state.identity = { sub: `verified-${u.email}`, email: u.email, email_verified: true }
    const linked = await signIn('google', google)
    expect(linked.body.user.id).toBe(u.user.id)
  })

  it('refuses an unknown or reused state, a nonce mismatch and a code from another flow', async () => {
    google.state.identity = { sub: 'someone', email: h.email(), email_verified: true }
    const start = await h.call('POST', '/auth/oauth/google/start')
    const { code, state } = await google.consent(start.body.url)
    expect(
      (
        await h.call('POST', '/auth/oauth/google/callback', {
          body: { code, state: 'x'.repeat(43) },
        })
      ).status,
    ).toBe(401)
    expect(
      (await h.call('POST', '/auth/oauth/google/callback', { body: { code, state } })).status,
    ).toBe(200)
    expect(
      (await h.call('POST', '/auth/oauth/google/callback', { body: { code, state } })).status,
    ).toBe(401)

    google.state.nonceOverride = 'replayed-nonce'
    expect((await signIn('google', google)).status).toBe(401)
    google.state.nonceOverride = undefined

    const a = await h.call('POST', '/auth/oauth/google/start')
    const b = await h.call('POST', '/auth/oauth/google/start')
    const codeA = (await google.consent(a.body.url)).code
    const stateB = must(new URL(b.body.url).searchParams.get('state'))
    expect(
      (
        await h.call('POST', '/auth/oauth/google/callback', {
          body: { code: codeA, state: stateB },
        })
      ).status,
    ).toBe(401)
  })

  it('still asks for the second factor when the account has it on', async () => {
    const u = await h.register()
    await h.call('PUT', '/auth/two-factor', {
      token: u.accessToken,
      body: { enabled: true, password: u.password },
    })
    google.state.identity = { sub: `tf-${u.email}`, email: u.email, email_verified: true }
    const res = await signIn('google', google)
    expect(res.body).toMatchObject({ twoFactorRequired: true, challenge: expect.any(String) })
    expect(res.body.accessToken).toBeUndefined()
  })
})

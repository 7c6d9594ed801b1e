import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createApp } from './app'
import { loadConfig } from './config'
import { createLogger } from './log'
import { serveOnLoopback } from '../test/loopback'
import { serviceKeyEnv, importSigningKey, serviceKeyVar } from './service-keys'
import { servicesAs } from '../test/service-identity'

const keys = await serviceKeyEnv()
const services = (role: 'backend' | 'credit' | 'auth' | 'ai', env = keys) => servicesAs(role, env)

// The credit role with its /internal/ping route (backend only), which requires a service token.
const credit = createApp('credit', {
  config: loadConfig('frontend', {}),
  log: createLogger('credit', 'error'),
  services: services('credit'),
})
const ping = (headers: Record<string, string> = {}) => credit.request('/internal/ping', { headers })
const signedBy = async (
  role: 'ai' | 'backend',
  claims: { iss: string; aud: string; iat?: number; exp?: number },
) => {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(claims.iss)
    .setAudience(claims.aud)
    .setIssuedAt(claims.iat ?? now)
    .setExpirationTime(claims.exp ?? now + 60)
    .sign(await importSigningKey(keys[serviceKeyVar(role)]))
}

describe('service tokens on internal routes', () => {
  it('accept a token from another role for this role', async () => {
    const res = await ping({ 'x-service-token': await services('backend').tokenFor('credit') })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ role: 'credit', caller: 'backend' })
  })

  it.each([
    ['no token', async () => ({})],
    [
      'a user access token alone',
      async () => ({ authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.x' }),
    ],
    [
      'a token for another audience',
      async () => ({ 'x-service-token': await services('backend').tokenFor('auth') }),
    ],
    [
      'a token signed with keys of another deployment',
      async () => ({
        'x-service-token': await services('backend', await serviceKeyEnv()).tokenFor('credit'),
      }),
    ],
    [
      'a token signed by ai claiming to be the backend',
      async () => ({
        'x-service-token': await signedBy('ai', { iss: 'backend', aud: 'credit' }),
      }),
    ],
    [
      'an expired token',
      async () => {
        const now = Math.floor(Date.now() / 1000)
        return {
          'x-service-token': await signedBy('backend', {
            iss: 'backend',
            aud: 'credit',
            iat: now - 120,
            exp: now - 60,
          }),
        }
      },
    ],
    [
      'an HS256 token',
      async () => ({
        'x-service-token': await new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer('backend')
          .setAudience('credit')
          .setIssuedAt()
          .setExpirationTime('60s')
          .sign(new TextEncoder().encode(keys.SERVICE_PUBLIC_KEYS)),
      }),
    ],
    [
      'an unsigned token',
      async () => {
        const part = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '')
        const now = Math.floor(Date.now() / 1000)
        return {
          'x-service-token': `${part({ alg: 'none' })}.${part({ iss: 'backend', aud: 'credit', iat: now, exp: now + 60 })}.`,
        }
      },
    ],
  ])('refuse %s with 401', async (_what, headers) => {
    const res = await ping(await headers())
    expect(res.status).toBe(401)
    expect((await res.json()).error.code).toBe('UNAUTHORIZED')
  })

  it('refuse a caller the route does not list with 403, though its token is valid', async () => {
    const res = await ping({ 'x-service-token': await services('ai').tokenFor('credit') })
    expect(res.status).toBe(403)
  })
})

describe('the breaker of a role', () => {
  // A stand-in for the auth role answering with whatever status the test sets.
  const upstream = async () => {
    let status = 200
    let own = false // answers of the role's own app carry its request id; a proxy's do not
    const server = await serveOnLoopback(
      () =>
        new Response('{}', {
          status,
          headers: {
            'content-type': 'application/json',
            ...(own ? { 'x-request-id': crypto.randomUUID() } : {}),
          },
        }),
    )
    const calls = servicesAs('backend', keys, { auth: server.url })
    const send = (n: number) =>
      Promise.all(
        Array.from({ length: n }, () =>
          calls.call('auth', '/x').then(
            (r) => r.status,
            (e) => e.status,
          ),
        ),
      )
    return {
      calls,
      send,
      server,
      set: (s: number, byRole = false) => ((status = s), (own = byRole)),
    }
  }

  it.each([400, 401, 404, 409, 422, 429, 500])(
    'stays closed through any number of %i answers',
    async (status) => {
      const u = await upstream()
      u.set(status)
      expect(new Set(await u.send(20))).toEqual(new Set([status]))
      expect(u.calls.health()).toEqual({ auth: 'closed' })
      await u.server.close()
    },
  )

  it.each([502, 503, 504])(
    "stays closed through any number of the role's own %i answers (the role is up)",
    async (status) => {
      const u = await upstream()
      u.set(status, true)
      expect(new Set(await u.send(20))).toEqual(new Set([status]))
      expect(u.calls.health()).toEqual({ auth: 'closed' })
      await u.server.close()
    },
  )

  it.each([502, 503, 504])(
    'opens after three %i answers from something in between and then answers 503 at once',
    async (status) => {
      const u = await upstream()
      u.set(status)
      await u.send(3)
      expect(u.calls.health()).toEqual({ auth: 'open' })
      u.set(200)
      expect(await u.send(1)).toEqual([503]) // from the breaker: the upstream would have said 200
      await u.server.close()
    },
  )

  it('opens when the connection is refused', async () => {
    const u = await upstream()
    await u.server.close()
    expect(await u.send(3)).toEqual([503, 503, 503])
    expect(u.calls.health()).toEqual({ auth: 'open' })
  })
})

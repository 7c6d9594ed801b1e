import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importSigningKey, serviceKeyVar } from '../../lib/service-keys'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { servicesAs } from '../../test/service-identity'

// Auth, credit and the backend as separate servers with a key pair each; the test holds the AI role's key,
// as an attacker who took over the AI server would.
let p: PlatformHarness
let userId: string
beforeAll(async () => {
  p = await platformHarness()
  const b = p.browser()
  await b.register()
  userId = (await b.call('GET', '/api/whoami')).body.id
})
afterAll(() => p.close())

const asAi = () => servicesAs('ai', p.env, { auth: p.auth.url, credit: p.credit.url })
const call = async (url: string, token: string, init: { method?: string; body?: unknown } = {}) => {
  const res = await fetch(url, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { 'x-service-token': token, 'content-type': 'application/json' },
    body: init.body ? JSON.stringify(init.body) : undefined,
  })
  return res.status
}
/** A token that claims to come from the backend, signed with the AI role's key. */
async function aiPosingAsBackend(aud: 'auth' | 'credit') {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer('backend')
    .setAudience(aud)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(await importSigningKey(p.env[serviceKeyVar('ai')]))
}

describe('service identity', () => {
  it('refuses a token signed by the AI role that claims iss=backend (401)', async () => {
    expect(
      await call(`${p.auth.url}/internal/users/${userId}/export`, await aiPosingAsBackend('auth')),
    ).toBe(401)
    expect(
      await call(
        `${p.credit.url}/internal/users/${userId}/export`,
        await aiPosingAsBackend('credit'),
      ),
    ).toBe(401)
    expect(await call(`${p.auth.url}/auth/me`, await aiPosingAsBackend('auth'))).toBe(401)
  })

  it('refuses the AI role, with its own valid token, on backend-only routes (403)', async () => {
    const ai = asAi()
    expect(
      await call(`${p.auth.url}/internal/users/${userId}/export`, await ai.tokenFor('auth')),
    ).toBe(403)
    expect(
      await call(`${p.auth.url}/internal/users/${userId}/reauth`, await ai.tokenFor('auth'), {
        body: { password: 'guess' },
      }),
    ).toBe(403)
    expect(
      await call(`${p.auth.url}/internal/users/${userId}/erase`, await ai.tokenFor('auth'), {
        body: {},
      }),
    ).toBe(403)
    expect(
      await call(`${p.credit.url}/internal/users/${userId}/export`, await ai.tokenFor('credit')),
    ).toBe(403)
    expect(
      await call(`${p.credit.url}/internal/holds`, await ai.tokenFor('credit'), { body: {} }),
    ).toBe(403)
  })

  it('lets each role do what its routes allow it', async () => {
    expect((await p.service('credit', `/internal/users/${userId}/export`)).status).toBe(200) // the backend
    const credit = servicesAs('credit', p.env, { auth: p.auth.url })
    expect(
      await call(`${p.auth.url}/internal/users/${userId}/role`, await credit.tokenFor('auth'), {
        method: 'PUT',
        body: { role: 'plus' },
      }),
    ).toBe(200)
  })
})

import { decodeJwt, decodeProtectedHeader, exportSPKI, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthHarness, authHarness } from '../../test/auth-harness'
import { must } from '../../test/must'

let h: AuthHarness
let user: Awaited<ReturnType<AuthHarness['register']>>
beforeAll(async () => {
  h = await authHarness({ KEY_PUBLISH_LEAD_S: '600', KEY_ROTATION_DAYS: '30' })
  user = await h.register()
})
afterAll(() => h.close())

const me = (token: string) => h.call('GET', '/auth/me', { token })
const kids = async () =>
  (await h.call('GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid)
const base = () => {
  const iat = Math.floor(h.now() / 1000)
  return {
    sub: user.user.id,
    email: user.email,
    name: 'Ada',
    role: 'user',
    sid: user.sessionId,
    jti: crypto.randomUUID(),
    iat,
    exp: iat + 900,
    iss: 'lingudesk-auth',
    aud: 'lingudesk',
  }
}
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')

describe('access tokens', () => {
  it('are RS256 with kid and typ, carrying the documented claims, verifiable with the JWKS', async () => {
    const header = decodeProtectedHeader(user.accessToken)
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) })
    expect(await kids()).toContain(header.kid)
    const claims = decodeJwt(user.accessToken)
    expect(Object.keys(claims).sort()).toEqual([
      'aud',
      'email',
      'exp',
      'iat',
      'iss',
      'jti',
      'name',
      'role',
      'sid',
      'sub',
    ])
    expect(must(claims.exp) - must(claims.iat)).toBe(900)
    expect((await me(user.accessToken)).status).toBe(200)
    expect((await me(await h.forge({ typ: 'at+jwt' }, base()))).status).toBe(200) // the forging helper itself works
  })

  const matrix: [string, () => Promise<string>][] = [
    ['alg none', async () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(base())}.`],
    [
      'HS256 signed with the public key',
      async () => {
        const jwk = (await h.call('GET', '/.well-known/jwks.json')).body.keys[0]
        const { importJWK } = await import('jose')
        const pem = await exportSPKI(
          (await importJWK(jwk, 'RS256', { extractable: true })) as CryptoKey,
        )
        return new SignJWT(base())
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: jwk.kid })
          .sign(new TextEncoder().encode(pem))
      },
    ],
    ['a missing kid', async () => h.forge({ typ: 'at+jwt', kid: undefined }, base())],
    ['an unknown kid', async () => h.forge({ typ: 'at+jwt', kid: 'not-a-key' }, base())],
    [
      'a key of its own, named in jwk',
      async () => {
        const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
        const { exportJWK } = await import('jose')
        return new SignJWT(base())
          .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', jwk: await exportJWK(publicKey) })
          .sign(privateKey)
      },
    ],
    [
      'a jku header',
      async () => h.forge({ typ: 'at+jwt', jku: 'http://127.0.0.1:9/jwks' }, base()),
    ],
    [
      'an x5u header',
      async () => h.forge({ typ: 'at+jwt', x5u: 'http://127.0.0.1:9/cert' }, base()),
    ],
    [
      'an expired token',
      async () => h.forge({ typ: 'at+jwt' }, { ...base(), exp: Math.floor(h.now() / 1000) - 120 }),
    ],
    [
      'nbf in the future',
      async () => h.forge({ typ: 'at+jwt' }, { ...base(), nbf: Math.floor(h.now() / 1000) + 600 }),
    ],
    ['a wrong issuer', async () => h.forge({ typ: 'at+jwt' }, { ...base(), iss: 'someone-else' })],
    ['a wrong audience', async () => h.forge({ typ: 'at+jwt' }, { ...base(), aud: 'another-app' })],
    ['a token that is not an access token (typ)', async () => h.forge({ typ: 'JWT' }, base())],
    ['a refresh token', async () => user.refreshToken],
  ]
  it.each(matrix)('refuses %s with 401', async (_what, make) => {
    const res = await me(await make())
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('UNAUTHORIZED')
  })
})

describe('signing key rotation', () => {
  it('needs an admin', async () => {
    expect(
      (await h.call('POST', '/auth/admin/keys/rotate', { token: user.accessToken, body: {} }))
        .status,
    ).toBe(403)
  })

  it('publishes a new key before it signs, and unpublishes the old one once its tokens expired', async () => {
    const admin = await h.admin()
    const oldKid = decodeProtectedHeader(admin.accessToken).kid
    const rotated = await h.call('POST', '/auth/admin/keys/rotate', {
      token: admin.accessToken,
      body: { reason: 'routine rotation' },
    })
    expect(rotated.status).toBe(201)
    expect(await kids()).toEqual(expect.arrayContaining([oldKid, rotated.body.kid]))
    const before = await h.register()
    expect(decodeProtectedHeader(before.accessToken).kid).toBe(oldKid) // published, not yet signing
    h.advance(601_000)
    const after = await h.register()
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(rotated.body.kid)
    expect((await me(before.accessToken)).status).toBe(200) // old tokens still verify
    h.advance(1861_000)
    expect(await kids()).toEqual([rotated.body.kid])
    expect((await h.audit(admin.user.id)).length).toBeGreaterThan(0)
  })

  it('in an emergency signs with the new key at once and old tokens stop verifying', async () => {
    const admin = await h.admin()
    const victim = await h.register()
    const res = await h.call('POST', '/auth/admin/keys/rotate', {
      token: admin.accessToken,
      body: { emergency: true, reason: 'key leaked' },
    })
    expect(await kids()).toEqual([res.body.kid])
    h.advance(301_000) // verifiers refetch the key set at least every 5 minutes
    expect((await me(victim.accessToken)).status).toBe(401)
    expect(decodeProtectedHeader((await h.register()).accessToken).kid).toBe(res.body.kid)
  })

  it('rotates on schedule when the signing key is older than the rotation period', async () => {
    const scheduled = async () =>
      Number(
        (
          await h.db.owner.query<{ n: string }>(
            `select count(*) as n from audit.events where action = 'key.rotated' and details->>'by' = 'schedule'`,
          )
        )[0].n,
      )
    const before = await kids()
    const rotationsBefore = await scheduled()
    h.advance(31 * 86_400_000)
    const u = await h.register()
    const after = await kids()
    expect(after.length).toBe(before.length + 1)
    expect(decodeProtectedHeader(u.accessToken).kid).not.toBe(after.at(-1)) // the new key waits its lead
    expect(await scheduled()).toBe(rotationsBefore + 1)
  })
})

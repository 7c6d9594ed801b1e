import { Hono } from 'hono'
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose'
import { sha256, toBase64Url } from '../lib/crypto'
import { serveOnLoopback } from './loopback'
import { must } from './must'

export type FakeIdentity = {
  sub: string
  email?: string
  email_verified?: boolean | string
  name?: string
}
type Grant = {
  clientId: string
  redirectUri: string
  challenge: string
  nonce: string
  identity: FakeIdentity
}

/**
 * An OpenID Connect provider on loopback speaking the real wire format (authorize → code → token with
 * PKCE → RS256 ID token, JWKS), for Google-style (client secret) or Apple-style (ES256 client-secret JWT).
 */
export async function startFakeOidc(o: {
  clientId: string
  clientSecret?: string
  apple?: { teamId: string; publicKey: CryptoKey }
}) {
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'fake-1', alg: 'RS256', use: 'sig' }
  const grants = new Map<string, Grant>()
  const state = {
    identity: { sub: 'sub-1' } as FakeIdentity,
    nonceOverride: undefined as string | undefined,
    authorize: {} as Record<string, string>,
  }
  let issuer = ''

  const app = new Hono()
    .get('/authorize', (c) => {
      const q = c.req.query()
      state.authorize = q
      if (q.client_id !== o.clientId || q.code_challenge_method !== 'S256' || !q.code_challenge)
        return c.text('bad request', 400)
      const code = crypto.randomUUID()
      grants.set(code, {
        clientId: q.client_id,
        redirectUri: q.redirect_uri,
        challenge: q.code_challenge,
        nonce: q.nonce,
        identity: state.identity,
      })
      const back = new URL(q.redirect_uri)
      back.search = new URLSearchParams({ code, state: q.state }).toString()
      return c.redirect(back.href, 302)
    })
    .post('/token', async (c) => {
      const f = Object.fromEntries(new URLSearchParams(await c.req.text()))
      const grant = grants.get(f.code)
      grants.delete(f.code)
      const fail = (why: string) => c.json({ error: 'invalid_grant', error_description: why }, 400)
      if (!grant || f.grant_type !== 'authorization_code') return fail('unknown code')
      if (f.client_id !== grant.clientId || f.redirect_uri !== grant.redirectUri)
        return fail('client or redirect mismatch')
      if (toBase64Url(await sha256(f.code_verifier ?? '')) !== grant.challenge)
        return fail('PKCE verifier mismatch')
      if (o.apple) {
        const ok = await jwtVerify(f.client_secret, o.apple.publicKey, {
          issuer: o.apple.teamId,
          subject: o.clientId,
          audience: 'https://appleid.apple.com',
          algorithms: ['ES256'],
        }).catch(() => null)
        if (!ok) return fail('bad client secret JWT')
      } else if (f.client_secret !== o.clientSecret) return fail('bad client secret')
      const idToken = await new SignJWT({
        ...grant.identity,
        nonce: state.nonceOverride ?? grant.nonce,
      })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
        .setIssuer(issuer)
        .setAudience(o.clientId)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey)
      return c.json({
        access_token: crypto.randomUUID(),
        token_type: 'Bearer',
        expires_in: 600,
        id_token: idToken,
      })
    })
    .get('/jwks', (c) => c.json({ keys: [jwk] }))

  const server = await serveOnLoopback(app.fetch)
  issuer = server.url
  return {
    issuer,
    urls: { auth: `${issuer}/authorize`, token: `${issuer}/token`, jwks: `${issuer}/jwks` },
    state,
    /** The browser's part: open the authorization URL, follow nothing, read code and state off the redirect. */
    async consent(authorizationUrl: string) {
      const res = await fetch(authorizationUrl, { redirect: 'manual' })
      const back = new URL(must(res.headers.get('location')))
      return {
        code: must(back.searchParams.get('code')),
        state: must(back.searchParams.get('state')),
      }
    },
    close: server.close,
  }
}
export type FakeOidc = Awaited<ReturnType<typeof startFakeOidc>>

import { createRemoteJWKSet, importPKCS8, jwtVerify, SignJWT } from 'jose'
import { z } from 'zod'
import type { ConfigOf } from '../config'
import { randomToken, sha256, toBase64Url } from '../crypto'
import type { Sql } from '../db/db'
import { OAUTH_PROVIDERS } from './providers'
import { cached } from '../cached'

export const Provider = z.enum(OAUTH_PROVIDERS)
export type Provider = z.infer<typeof Provider>

type ProviderConfig = {
  clientId: string
  issuer: string
  authUrl: string
  tokenUrl: string
  jwksUrl: string
  scope: string
  /** Apple posts the answer back (form_post) and wants a signed client secret. */
  formPost: boolean
  clientSecret: () => Promise<string>
}

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>() // per process, by URL

/** The providers configured for this deployment. */
export function oauthProviders(c: ConfigOf<'auth'>): Partial<Record<Provider, ProviderConfig>> {
  const out: Partial<Record<Provider, ProviderConfig>> = {}
  if (c.GOOGLE_CLIENT_ID && c.GOOGLE_CLIENT_SECRET) {
    const secret = c.GOOGLE_CLIENT_SECRET
    out.google = {
      clientId: c.GOOGLE_CLIENT_ID,
      issuer: c.GOOGLE_ISSUER,
      authUrl: c.GOOGLE_AUTH_URL,
      tokenUrl: c.GOOGLE_TOKEN_URL,
      jwksUrl: c.GOOGLE_JWKS_URL,
      scope: 'openid email profile',
      formPost: false,
      clientSecret: async () => secret,
    }
  }
  if (c.APPLE_CLIENT_ID && c.APPLE_TEAM_ID && c.APPLE_KEY_ID && c.APPLE_PRIVATE_KEY) {
    const {
      APPLE_CLIENT_ID: clientId,
      APPLE_TEAM_ID: team,
      APPLE_KEY_ID: kid,
      APPLE_PRIVATE_KEY: pem,
    } = c
    const key = importPKCS8(pem, 'ES256')
    out.apple = {
      clientId,
      issuer: c.APPLE_ISSUER,
      authUrl: c.APPLE_AUTH_URL,
      tokenUrl: c.APPLE_TOKEN_URL,
      jwksUrl: c.APPLE_JWKS_URL,
      scope: 'name email',
      formPost: true,
      // Apple's client secret: an ES256 JWT from the team's key, iss = team, sub = client, aud = Apple.
      clientSecret: async () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'ES256', kid })
          .setIssuer(team)
          .setSubject(clientId)
          .setAudience('https://appleid.apple.com')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(await key),
    }
  }
  return out
}

export const redirectUri = (appUrl: string, provider: Provider) =>
  new URL(`/api/auth/oauth/${provider}/callback`, appUrl).href

/** Starts a flow: PKCE verifier, state and nonce kept for 10 minutes; returns the URL to send the browser to. */
export async function startFlow(
  sql: Sql,
  p: ProviderConfig,
  o: { provider: Provider; deviceId: string; redirectUri: string; now: number },
) {
  const state = randomToken(32)
  const verifier = randomToken(32)
  const nonce = randomToken(16)
  await sql(
    `insert into auth.oauth_flows (state, provider, code_verifier, nonce, device_id, expires_at) values ($1, $2, $3, $4, $5, $6)`,
    [state, o.provider, verifier, nonce, o.deviceId, new Date(o.now + 600_000)],
  )
  const url = new URL(p.authUrl)
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: p.clientId,
    redirect_uri: o.redirectUri,
    scope: p.scope,
    state,
    nonce,
    code_challenge: toBase64Url(await sha256(verifier)),
    code_challenge_method: 'S256',
    ...(p.formPost ? { response_mode: 'form_post' } : {}),
  }).toString()
  return url.href
}

/** Spends a flow's state (single use, unexpired, same provider). */
export async function takeFlow(sql: Sql, provider: Provider, state: string, now: number) {
  const [row] = await sql<{ code_verifier: string; nonce: string; device_id: string }>(
    `delete from auth.oauth_flows where state = $1 and provider = $2 and expires_at > $3 returning code_verifier, nonce, device_id`,
    [state, provider, new Date(now)],
  )
  return row ?? null
}

const IdClaims = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().email().optional(),
  email_verified: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
  name: z.string().max(100).optional(),
})
export type Identity = { subject: string; email?: string; emailVerified: boolean; name?: string }

/** Exchanges the code (with the PKCE verifier) and verifies the ID token: signature, iss, aud, exp, nonce. */
export async function finishFlow(
  p: ProviderConfig,
  o: { code: string; verifier: string; nonce: string; redirectUri: string; now: number },
): Promise<Identity> {
  const res = await fetch(p.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: o.code,
      redirect_uri: o.redirectUri,
      client_id: p.clientId,
      client_secret: await p.clientSecret(),
      code_verifier: o.verifier,
    }),
    signal: AbortSignal.timeout(10_000),
  })
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}`)
  const { id_token } = z.object({ id_token: z.string() }).parse(await res.json())
  const jwks = cached(jwksCache, p.jwksUrl, () => createRemoteJWKSet(new URL(p.jwksUrl)))
  const { payload } = await jwtVerify(id_token, jwks, {
    issuer: p.issuer,
    audience: p.clientId,
    algorithms: ['RS256', 'ES256'],
    currentDate: new Date(o.now),
    requiredClaims: ['exp', 'iat', 'sub'],
  })
  if (payload.nonce !== o.nonce) throw new Error('nonce mismatch')
  const c = IdClaims.parse(payload)
  return {
    subject: c.sub,
    email: c.email,
    emailVerified: c.email_verified === true || c.email_verified === 'true',
    name: c.name,
  }
}

/** The user an identity at a provider is linked to, if any. */
export async function linkedUser(sql: Sql, provider: Provider, subject: string) {
  const [row] = await sql<{ user_id: string }>(
    `select user_id from auth.oauth_identities where provider = $1 and subject = $2`,
    [provider, subject],
  )
  return row?.user_id ?? null
}

export async function linkIdentity(sql: Sql, provider: Provider, id: Identity, userId: string) {
  await sql(
    `insert into auth.oauth_identities (provider, subject, user_id, email) values ($1, $2, $3, $4)`,
    [provider, id.subject, userId, id.email],
  )
}

export async function identitiesOf(sql: Sql, userId: string) {
  return sql(`select provider, email, created_at from auth.oauth_identities where user_id = $1`, [
    userId,
  ])
}

import { decodeProtectedHeader, importJWK, type JSONWebKeySet, jwtVerify } from 'jose'
import { z } from 'zod'
import { UserId } from './ids'

export const UserRole = z.enum(['user', 'plus', 'premium', 'admin'])
export type UserRole = z.infer<typeof UserRole>
export const ACCESS_TYP = 'at+jwt' // RFC 9068: nothing else we sign can pass as an access token

export const AccessClaims = z.object({
  sub: UserId,
  email: z.string(),
  name: z.string(),
  role: UserRole,
  sid: z.string().uuid(),
  jti: z.string().min(16),
  iat: z.number().int(),
  exp: z.number().int(),
})
export type AccessClaims = z.infer<typeof AccessClaims>

const REFETCH_AFTER_MS = 10_000 // an unknown kid refetches the JWKS at most this often
const MAX_AGE_MS = 300_000 // and it is refetched at least this often, so removed keys stop verifying

/**
 * Verifies access tokens locally against a cached JWKS: RS256 only, a known `kid`, no key material from
 * the token's own header, issuer, audience, typ and lifetime. An unknown kid refetches the JWKS.
 */
export function createVerifier(o: {
  jwks: () => Promise<JSONWebKeySet>
  issuer: string
  audience: string
  now?: () => number
  /** Verified tokens kept (keyed by the whole token: an exact match, no hashing per request) until their exp, while their key is still known. */
  cacheSize?: number
}) {
  const now = o.now ?? Date.now
  let keys = new Map<string, CryptoKey>()
  let fetchedAt = -Infinity
  const verified = new Map<string, { claims: AccessClaims; kid: string }>()

  async function refresh() {
    fetchedAt = now()
    const set = await o.jwks()
    const next = new Map<string, CryptoKey>()
    for (const jwk of set.keys)
      if (jwk.kid && jwk.kty === 'RSA' && (!jwk.alg || jwk.alg === 'RS256'))
        next.set(jwk.kid, (await importJWK(jwk, 'RS256')) as CryptoKey)
    keys = next
  }

  let inflight: Promise<void> | undefined
  async function keyFor(kid: string) {
    const age = now() - fetchedAt
    // Concurrent callers share one fetch and all wait for it.
    if (inflight || age > MAX_AGE_MS || (!keys.has(kid) && age > REFETCH_AFTER_MS))
      await (inflight ??= refresh().finally(() => (inflight = undefined)))
    const key = keys.get(kid)
    if (!key) throw new Error('unknown kid')
    return key
  }

  function cached(token: string) {
    const hit = verified.get(token)
    if (!hit) return undefined
    const fresh =
      hit.claims.exp * 1000 > now() && keys.has(hit.kid) && now() - fetchedAt <= MAX_AGE_MS
    if (!fresh) verified.delete(token)
    return fresh ? hit.claims : undefined
  }

  return async function verify(token: string): Promise<AccessClaims> {
    const hit = o.cacheSize ? cached(token) : undefined
    if (hit) return hit
    const header = decodeProtectedHeader(token)
    if (header.alg !== 'RS256') throw new Error('algorithm not allowed')
    if (header.jku || header.jwk || header.x5u || header.x5c)
      throw new Error('key material in header')
    if (typeof header.kid !== 'string') throw new Error('kid missing')
    const { payload } = await jwtVerify(token, await keyFor(header.kid), {
      algorithms: ['RS256'],
      issuer: o.issuer,
      audience: o.audience,
      typ: ACCESS_TYP,
      currentDate: new Date(now()),
      requiredClaims: ['exp', 'iat', 'sub', 'jti'],
    })
    const claims = AccessClaims.parse(payload)
    if (o.cacheSize) {
      const oldest = verified.keys().next()
      if (verified.size >= o.cacheSize && !oldest.done) verified.delete(oldest.value)
      verified.set(token, { claims, kid: header.kid })
    }
    return claims
  }
}
export type Verifier = ReturnType<typeof createVerifier>

/** The JWKS source for services other than auth: auth's published key set, over a service call. */
export const jwksFromAuth =
  (call: (role: 'auth', path: string, o: { timeoutMs: number }) => Promise<Response>) =>
  async () => {
    const res = await call('auth', '/.well-known/jwks.json', { timeoutMs: 3000 })
    if (!res.ok) throw new Error(`JWKS answered ${res.status}`)
    return (await res.json()) as JSONWebKeySet
  }

/** The verifier of every role but auth: keys fetched from auth over `call`, issuer and audience from config. */
export const verifierFromAuth = (
  config: { JWT_ISSUER: string; JWT_AUDIENCE: string; JWT_CACHE_SIZE?: number },
  call: Parameters<typeof jwksFromAuth>[0],
  now?: () => number,
) =>
  createVerifier({
    jwks: jwksFromAuth(call),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    now,
    cacheSize: config.JWT_CACHE_SIZE,
  })

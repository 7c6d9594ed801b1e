import { decodeJwt, jwtVerify, SignJWT } from 'jose'
import { type Breaker, createBreaker, upstreamFailed } from './breaker'
import type { Role } from './config'
import { ServiceRole } from './config'
import { ApiError } from './errors'
import { importPublicKey, importSigningKey, type ServiceRoleName } from './service-keys'
import { cached } from './cached'

export type Fetcher = { fetch: (req: Request) => Promise<Response> }
/** A call to a role by its URL: fetch, or on Node a keep-alive pool without fetch's machinery (lib/node/upstream.ts). */
export type Send = (
  url: URL,
  init: {
    method: string
    headers: Record<string, string>
    body?: string | Uint8Array
    signal: AbortSignal
  },
) => Promise<Response>
export type CallOptions = {
  method?: string
  body?: unknown
  /** A body passed on byte for byte (signed webhooks), instead of `body` as JSON. */
  raw?: string
  /** Bytes passed on as they are (an upload). */
  bytes?: Uint8Array
  requestId?: string
  authorization?: string
  /** Extra headers to pass on (device id, client address, user agent). */
  headers?: Record<string, string | undefined>
  timeoutMs?: number
}

const unavailable = (target: Role, retryMs: number, cause?: unknown) =>
  new ApiError(
    'UNAVAILABLE',
    'This service is unavailable; try again shortly',
    {
      service: target,
      retryAfter: Math.max(1, Math.ceil(retryMs / 1000)),
    },
    { cause },
  )

const ALG = 'EdDSA' // Ed25519: each role signs with its own key
const HEADER = 'x-service-token'

/**
 * Calls between roles. Each carries a short-lived service token (iss = caller, aud = target) signed with the
 * caller's own key, the request id and the user's access token. A Service Binding is used when present
 * (workerd), else fetch to the URL.
 */
export function createServices(opts: {
  role: Role
  /** This role's private key (PKCS#8, base64url); absent for a role that only receives. */
  signingKey?: string
  /** The public keys of every role, more than one per role while its key rotates. */
  publicKeys: Map<ServiceRoleName, string[]>
  ttlS: number
  urls: Partial<Record<Role, string>>
  bindings?: Partial<Record<Role, Fetcher>>
  send?: Send
}) {
  const signingKey = opts.signingKey ? importSigningKey(opts.signingKey) : undefined
  const publicKeys = new Map(
    [...opts.publicKeys].map(([role, keys]) => [role, Promise.all(keys.map(importPublicKey))]),
  )
  const verified = new Map<string, { caller: Role; exp: number }>() // tokens are reused for half their life
  const minted = new Map<Role, { token: string; exp: number }>()
  const send: Send = opts.send ?? ((url, init) => fetch(url, init as RequestInit))
  const breakers = new Map<Role, Breaker>()
  const breakerFor = (target: Role) => cached(breakers, target, createBreaker)

  async function tokenFor(target: Role) {
    const now = Math.floor(Date.now() / 1000)
    const cached = minted.get(target)
    if (cached && cached.exp - now > opts.ttlS / 2) return cached.token
    const exp = now + opts.ttlS
    if (!signingKey) throw new Error(`role ${opts.role} has no service signing key`)
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: ALG })
      .setIssuer(opts.role)
      .setAudience(target)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(await signingKey)
    minted.set(target, { token, exp })
    return token
  }

  /**
   * One call to another role. A refused or reset connection, a timeout, or a 502, 503 or 504 that the role
   * itself did not answer counts against the target's breaker (see upstreamFailed); while it is open, calls
   * fail at once with 503 and Retry-After instead of waiting.
   */
  async function call(target: Role, path: string, o: CallOptions = {}): Promise<Response> {
    const base = opts.urls[target]
    const binding = opts.bindings?.[target]
    if (!base && !binding) throw new Error(`No URL or binding configured for role ${target}`)
    const breaker = breakerFor(target)
    if (!breaker.allow()) throw unavailable(target, breaker.retryInMs())
    const headers: Record<string, string> = { [HEADER]: await tokenFor(target) }
    for (const [name, value] of Object.entries(o.headers ?? {}))
      if (value) headers[name.toLowerCase()] = value
    if (o.requestId) headers['x-request-id'] = o.requestId
    if (o.authorization) headers.authorization = o.authorization
    if (o.body !== undefined || o.raw !== undefined) headers['content-type'] = 'application/json'
    if (o.bytes) headers['content-type'] = 'application/octet-stream'
    const body = o.bytes ?? o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body))
    const url = new URL(path, base ?? `http://${target}`)
    const init = {
      method: o.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    }
    try {
      const res = await (binding
        ? binding.fetch(new Request(url, init as RequestInit))
        : send(url, init))
      if (upstreamFailed(res)) breaker.failure()
      else breaker.success()
      return res
    } catch (cause) {
      breaker.failure()
      throw unavailable(target, 5000, cause)
    }
  }

  /**
   * The calling role of a valid token for this role; throws on anything else. The signature is checked
   * only against the keys of the role the token names, so `iss` is proven by the caller's key.
   */
  async function verify(token: string): Promise<Role> {
    const now = Math.floor(Date.now() / 1000)
    const hit = verified.get(token)
    if (hit && hit.exp > now) return hit.caller
    const claimed = ServiceRole.parse(decodeJwt(token).iss)
    for (const key of (await publicKeys.get(claimed as ServiceRoleName)) ?? []) {
      const result = await jwtVerify(token, key, {
        algorithms: [ALG],
        issuer: claimed,
        audience: opts.role,
        requiredClaims: ['iss', 'exp', 'iat'],
        maxTokenAge: opts.ttlS + 5,
      }).catch(() => null)
      if (!result) continue
      if (verified.size >= 1000) verified.clear()
      verified.set(token, { caller: claimed, exp: result.payload.exp ?? 0 }) // required above
      return claimed
    }
    throw new Error(`not signed by a key of ${claimed}`)
  }

  /** Each target's breaker state, for the health view. */
  const health = () => Object.fromEntries([...breakers].map(([role, b]) => [role, b.state()]))

  return { call, verify, tokenFor, health, header: HEADER }
}
export type Services = ReturnType<typeof createServices>

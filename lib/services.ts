import { jwtVerify, SignJWT } from 'jose'
import type { Role } from './config'
import { ServiceRole } from './config'

export type Fetcher = { fetch: (req: Request) => Promise<Response> }
export type CallOptions = { method?: string; body?: unknown; requestId?: string; authorization?: string }

const ALG = 'HS256'
const HEADER = 'x-service-token'

/**
 * Calls between roles. Each carries a short-lived service token (iss = caller, aud = target), the request
 * id and the user's access token. A Service Binding is used when present (workerd), else fetch to the URL.
 */
export function createServices(opts: {
  role: Role
  secret: string
  ttlS: number
  urls: Partial<Record<Role, string>>
  bindings?: Partial<Record<Role, Fetcher>>
}) {
  const key = new TextEncoder().encode(opts.secret)
  const minted = new Map<Role, { token: string; exp: number }>()

  async function tokenFor(target: Role) {
    const now = Math.floor(Date.now() / 1000)
    const cached = minted.get(target)
    if (cached && cached.exp - now > opts.ttlS / 2) return cached.token
    const exp = now + opts.ttlS
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: ALG })
      .setIssuer(opts.role)
      .setAudience(target)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(key)
    minted.set(target, { token, exp })
    return token
  }

  async function call(target: Role, path: string, o: CallOptions = {}): Promise<Response> {
    const base = opts.urls[target]
    const binding = opts.bindings?.[target]
    if (!base && !binding) throw new Error(`No URL or binding configured for role ${target}`)
    const headers = new Headers({ [HEADER]: await tokenFor(target) })
    if (o.requestId) headers.set('x-request-id', o.requestId)
    if (o.authorization) headers.set('authorization', o.authorization)
    if (o.body !== undefined) headers.set('content-type', 'application/json')
    const req = new Request(new URL(path, base ?? `http://${target}`), {
      method: o.method ?? (o.body === undefined ? 'GET' : 'POST'),
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    })
    return binding ? binding.fetch(req) : fetch(req)
  }

  /** The calling role of a valid token for this role; throws on anything else. */
  async function verify(token: string): Promise<Role> {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALG],
      audience: opts.role,
      requiredClaims: ['iss', 'exp', 'iat'],
      maxTokenAge: opts.ttlS + 5,
    })
    return ServiceRole.parse(payload.iss)
  }

  return { call, verify, tokenFor, header: HEADER }
}
export type Services = ReturnType<typeof createServices>

import type { Context } from 'hono'
import type { BackendEnv } from '../env'
import { requestMeta } from '../../../lib/request-meta'
import { clearRefreshCookie, setRefreshCookie } from './cookies'

/**
 * One call to the auth role on behalf of the browser: request id, access token, device id, client
 * address and user agent go along. A refresh token in the answer moves into the HttpOnly cookie.
 */
export async function relayAuth(
  c: Context<BackendEnv>,
  path: string,
  o: { method?: string; body?: unknown; raw?: string } = {},
) {
  const meta = requestMeta(c)
  const res = await c.var.services.call('auth', path, {
    method: o.method,
    body: o.body,
    raw: o.raw,
    requestId: c.var.requestId,
    authorization: c.req.header('authorization'),
    headers: {
      'x-device-id': c.req.header('x-device-id'),
      'x-forwarded-for': meta.ip,
      'user-agent': meta.userAgent,
    },
    timeoutMs: 10_000,
  })
  const retry = res.headers.get('retry-after') // a lock's or a shed check's wait, for clients that read the header
  if (retry) c.header('Retry-After', retry)
  const json = res.status === 204 ? null : ((await res.json()) as Record<string, unknown>)
  if (json && typeof json.refreshToken === 'string') {
    setRefreshCookie(c, json.refreshToken, Number(json.refreshExpiresIn))
    delete json.refreshToken // the SPA never sees it: script cannot steal what it cannot read
    delete json.refreshExpiresIn
  }
  if (res.status === 401 && path === '/auth/refresh') clearRefreshCookie(c)
  return { status: res.status as 200, json }
}

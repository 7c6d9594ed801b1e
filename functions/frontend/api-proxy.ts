import { Hono } from 'hono'
import { ApiError } from '../../lib/errors'
import { securityHeaderNames } from '../../lib/middleware/security-headers'
import { HOP_BY_HOP, stallGuard } from '../../lib/upstream'
import type { FrontendEnv } from './env'

// Not passed on: headers through which a client could claim another address or origin (only this edge sets
// them); hop-by-hop headers; accept-encoding, as this edge compresses (the backend answers plain); host,
// which the upstream sets for the backend; expect, which this edge's server has answered (100 Continue) and
// undici refuses.
const DROPPED = new Set([
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  ...HOP_BY_HOP,
  'accept-encoding',
  'host',
  'expect',
])

/**
 * Every /api/* request goes to the backend, unchanged but for the headers this edge vouches for, through
 * the injected upstream (a keep-alive pool on Node, fetch in workerd), with the body streamed through.
 */
export default new Hono<FrontendEnv>().all('/api/*', async (c) => {
  const { peerAddress, requestId, backend, config } = c.var // one read: Hono copies every variable on each c.var
  const url = new URL(c.req.url)
  const headers: Record<string, string> = {}
  c.req.raw.headers.forEach((value, name) => {
    if (!DROPPED.has(name)) headers[name] = value
  })
  headers['x-forwarded-for'] = peerAddress?.(c) ?? 'unknown'
  headers['x-forwarded-host'] = url.host
  headers['x-forwarded-proto'] = url.protocol.slice(0, -1)
  headers['x-request-id'] = requestId
  const hasBody = c.req.method !== 'GET' && c.req.method !== 'HEAD'
  return backend
    .request({
      method: c.req.method,
      path: url.pathname + url.search,
      headers,
      drop: await securityHeaderNames(), // this edge sets its own
      body:
        hasBody && c.req.raw.body
          ? stallGuard(c.req.raw.body, config.BODY_IDLE_TIMEOUT_S * 1000)
          : null,
    })
    .catch((cause) => {
      if (cause instanceof ApiError) throw cause // the client's own body stalled
      throw new ApiError(
        'UNAVAILABLE',
        'The service is unreachable; try again shortly',
        undefined,
        {
          cause,
        },
      )
    })
})

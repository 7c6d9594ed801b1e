import { Hono } from 'hono'
import { proxy } from 'hono/proxy'
import type { AppEnv } from '../../lib/app'
import { ApiError } from '../../lib/errors'
import type { FrontendDeps } from './index'

// Headers through which a client could claim another address or origin: only this edge sets them.
const SPOOFABLE = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip']

/** Every /api/* request goes to the backend, unchanged but for the headers this edge vouches for. */
export default new Hono<AppEnv<FrontendDeps>>().all('*', async (c) => {
  const url = new URL(c.req.url)
  const headers = new Headers(c.req.raw.headers)
  for (const name of SPOOFABLE) headers.delete(name)
  headers.set('x-forwarded-for', c.var.peerAddress?.(c) ?? 'unknown')
  headers.set('x-forwarded-host', url.host)
  headers.set('x-forwarded-proto', url.protocol.slice(0, -1))
  headers.set('x-request-id', c.var.requestId)
  const target = new URL(url.pathname + url.search, c.var.config.BACKEND_URL)
  try {
    return await proxy(target, { raw: c.req.raw, headers })
  } catch (cause) {
    throw new ApiError('UNAVAILABLE', 'The service is unreachable; try again shortly', undefined, { cause })
  }
})

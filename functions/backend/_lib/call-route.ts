import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { User } from '../../../lib/app'
import { COST_HEADER, KEY_HEADER, RERUN_HEADER } from '../../../lib/middleware/credits'
import { requestMeta } from '../../../lib/request-meta'
import type { BackendEnv } from '../env'
import { type RouteSpec, userTypeOf } from './routes'

/** One call down the routing table: the route's service and timeout, the user's token and provider choice. */
export function callRoute<E extends BackendEnv & { Variables: { user: User } }>(
  c: Context<E>,
  r: RouteSpec,
  path: string,
  send: { body?: unknown; raw?: string },
  o: { timeoutMs?: number; headers?: Record<string, string> } = {},
) {
  const choice = r.providers?.[userTypeOf(c.var.user.role)]
  return c.var.services.call(r.service, path, {
    method: r.method,
    ...send,
    requestId: c.var.requestId,
    authorization: c.req.header('authorization'),
    timeoutMs: o.timeoutMs ?? r.timeoutMs,
    headers: {
      'x-forwarded-for': requestMeta(c).ip,
      'user-agent': requestMeta(c).userAgent,
      'x-ai-provider': choice?.provider,
      'x-ai-model': choice?.model,
      'x-ai-fallback': choice?.fallback && `${choice.fallback.provider}:${choice.fallback.model}`,
      [RERUN_HEADER]: c.var.rerun ? 'true' : undefined,
      [KEY_HEADER]: c.var.paidKey,
      ...o.headers,
    },
  })
}

/**
 * A service's answer as this route's: its status, its body streamed on, the headers of it the browser may see,
 * and this request's own (its limit, its request id): a Response built apart would drop those.
 */
export const forward = (c: Context, res: Response) =>
  c.body(res.body as ReadableStream, {
    status: res.status as ContentfulStatusCode,
    headers: passHeaders(res),
  })

/** The headers of a service's answer the browser may see: what it cost, how to cache it, when to retry, a download's name. */
function passHeaders(res: Response) {
  const headers = new Headers({
    'content-type': res.headers.get('content-type') ?? 'application/json',
  })
  for (const name of [COST_HEADER, 'cache-control', 'retry-after', 'content-disposition']) {
    const value = res.headers.get(name)
    if (value) headers.set(name, value)
  }
  return headers
}

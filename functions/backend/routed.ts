import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { requireUser } from '../../lib/middleware/auth'
import { COST_HEADER, reserveCredits } from '../../lib/middleware/credits'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { requestMeta } from '../../lib/request-meta'
import { readJson } from '../../lib/validate'
import type { BackendEnv } from './index'
import { ROUTES, userTypeOf } from './routes'

/**
 * Every route of the routing table: the user's token checked here, the limit of its class, then the call
 * to its service with the route's timeout, the user's token, the request id and the provider choice.
 */
const free = createMiddleware(async (_c, next) => next())
const app = new Hono<BackendEnv>()
for (const r of ROUTES)
  app.on(r.method, r.path, requireUser(r.admin ? { roles: ['admin'] } : {}), rateLimit(r.limit), r.cost ? reserveCredits(r.cost) : free, async (c) => {
    const body = r.method === 'POST' || r.method === 'PUT' ? await readJson(c) : undefined
    const choice = r.providers?.[userTypeOf(c.var.user!.role)]
    const target = r.target.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(c.req.param(name) ?? ''))
    const res = await c.var.services.call(r.service, `${target}${new URL(c.req.url).search}`, {
      method: r.method,
      body,
      requestId: c.var.requestId,
      authorization: c.req.header('authorization'),
      timeoutMs: r.timeoutMs,
      headers: {
        'x-forwarded-for': requestMeta(c).ip,
        'x-ai-provider': choice?.provider,
        'x-ai-model': choice?.model,
        'x-ai-fallback': choice?.fallback && `${choice.fallback.provider}:${choice.fallback.model}`,
      },
    })
    const headers = new Headers({ 'content-type': res.headers.get('content-type') ?? 'application/json' })
    // What the call cost (for the SPA and reserveCredits), how to cache it, when to retry.
    for (const name of [COST_HEADER, 'cache-control', 'retry-after']) {
      const value = res.headers.get(name)
      if (value) headers.set(name, value)
    }
    return new Response(res.body, { status: res.status, headers })
  })
export default app

import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { requireUser } from '../../../lib/middleware/auth'
import { reserveCredits } from '../../../lib/middleware/credits'
import { named } from '../../../lib/middleware/named'
import { rateLimit } from '../../../lib/middleware/rate-limit'
import { readJson } from '../../../lib/validate'
import type { BackendEnv } from '../env'
import { callRoute, passHeaders } from './call-route'
import type { RouteSpec } from './routes'

/**
 * An endpoint served by another role: the user's token checked here, the limit of its class, credits held when
 * it costs, then the call to its service with the route's timeout, the user's token, the request id and the
 * provider choice.
 */
const free = named('free', createMiddleware(async (_c, next) => next()))
export const routed = (r: RouteSpec) =>
  new Hono<BackendEnv>().on(r.method, r.path, requireUser(r.admin ? { roles: ['admin'] } : {}), rateLimit(r.limit), r.cost ? reserveCredits(r.cost) : free, async (c) => {
    const body = r.method === 'POST' || r.method === 'PUT' ? await readJson(c) : undefined
    const target = r.target.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(c.req.param(name) ?? ''))
    const res = await callRoute(c, r, `${target}${new URL(c.req.url).search}`, body)
    const headers = passHeaders(res)
    return new Response(res.body, { status: res.status, headers })
  })

import { Hono } from 'hono'
import { mostItCosts } from '../../../lib/ai/prices'
import { requireUser } from '../../../lib/middleware/auth'
import { paidCall } from '../../../lib/middleware/credits'
import { rateLimit } from '../../../lib/middleware/rate-limit'
import { readJson } from '../../../lib/validate'
import type { BackendEnv } from '../env'
import { callRoute, passHeaders } from './call-route'
import { type RouteSpec, userTypeOf } from './routes'

/**
 * An endpoint served by another role: the user's token checked here, the limit of its class, then the call to
 * its service with the route's timeout, the user's token, the request id and the provider choice. A paid one
 * holds the most its call can cost and charges what the answer says, once per Idempotency-Key (paidCall).
 */
export const routed = (r: RouteSpec) =>
  new Hono<BackendEnv>().on(
    r.method,
    r.path,
    requireUser(r.admin ? { roles: ['admin'] } : {}),
    rateLimit(r.limit),
    async (c) => {
      const raw = r.method === 'POST' || r.method === 'PUT' ? await readJson(c) : undefined
      const target = r.target.replace(/:(\w+)/g, (_, name: string) =>
        encodeURIComponent(c.req.param(name) ?? ''),
      )
      const call = async () => {
        const res = await callRoute(c, r, `${target}${new URL(c.req.url).search}`, { raw })
        return new Response(res.body, { status: res.status, headers: passHeaders(res) })
      }
      if (!r.operation) return call()
      return paidCall(
        c,
        mostItCosts(
          r.operation,
          raw === undefined ? undefined : JSON.parse(raw),
          r.providers?.[userTypeOf(c.var.user!.role)],
        ),
        call,
      )
    },
  )

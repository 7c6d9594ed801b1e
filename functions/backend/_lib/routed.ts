import { type Context, Hono } from 'hono'
import type { User } from '../../../lib/app'
import { mostItCosts } from '../../../lib/ai/prices'
import { requireUser } from '../../../lib/middleware/auth'
import { paid } from '../../../lib/middleware/credits'
import { rateLimit } from '../../../lib/middleware/rate-limit'
import { readJson } from '../../../lib/validate'
import type { BackendEnv } from '../env'
import { callRoute, forward } from './call-route'
import { freeHit } from './free-hit'
import { type RouteSpec, userTypeOf } from './routes'

type Env = BackendEnv & { Variables: { user: User } }
const bodyOf = (r: RouteSpec, c: Context) =>
  r.method === 'POST' || r.method === 'PUT' ? readJson(c) : undefined

/**
 * An endpoint served by another role: the user's token checked here, the limit of its class, then the call to
 * its service with the route's timeout, the user's token, the request id and the provider choice. A paid one
 * first asks for a free cache hit (`freeHit`: no money moves), else holds the most its call can cost and
 * charges what the answer says, once per Idempotency-Key (`paid`).
 */
export const routed = (r: RouteSpec) => {
  const app = new Hono<BackendEnv>()
  const guards = [requireUser(r.admin ? { roles: ['admin'] } : {}), rateLimit(r.limit)] as const
  const pathOf = (c: Context<Env>) =>
    r.target.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(c.req.param(name) ?? '')) +
    new URL(c.req.url).search
  const call = async (c: Context<Env>) =>
    forward(c, await callRoute(c, r, pathOf(c), { raw: await bodyOf(r, c) }))
  if (!r.operation || !r.cost) return app.on(r.method, r.path, ...guards, call)
  const op = r.operation
  const hold = paid<Env>(r.cost, async (c) => {
    const raw = await bodyOf(r, c)
    return mostItCosts(
      op,
      raw === undefined ? undefined : JSON.parse(raw),
      r.providers?.[userTypeOf(c.var.user.role)],
    )
  })
  return app.on(
    r.method,
    r.path,
    ...guards,
    freeHit(r, pathOf, async (c) => bodyOf(r, c)),
    hold,
    call,
  )
}

import { readdir } from 'node:fs/promises'
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import type { RouteSpec } from './_lib/routes'
import { must } from '../../test/must'

/** Every endpoint of the backend served by another role (each file that exports its `route`). */
async function routedSpecs() {
  const files = (await readdir(new URL('.', import.meta.url))).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  )
  const modules = await Promise.all(
    files.map((f) => import(`./${f}`) as Promise<{ route?: RouteSpec }>),
  )
  return modules.flatMap((m) => (m.route ? [m.route] : []))
}

// The route lists come from the running apps: a new admin route is covered the moment it exists.
let p: PlatformHarness
let learner: ReturnType<PlatformHarness['browser']>
let learnerId: string
beforeAll(async () => {
  p = await platformHarness({ aiEnv: {} })
  learner = p.browser()
  learnerId = (await learner.register()).res.body.user.id
})
afterAll(() => p.close())

const routesOf = (app: Pick<Hono, 'routes'>, match: RegExp) => {
  const seen = new Map<string, { method: string; path: string }>()
  for (const r of app.routes)
    if (r.method !== 'ALL' && match.test(r.path))
      seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path })
  return [...seen.values()]
}
const fill = (path: string) =>
  path.replace(':id', learnerId).replace(/:\w+/g, '00000000-0000-4000-8000-000000000000')
const bodyOf = (method: string) => (method === 'POST' || method === 'PUT' ? {} : undefined)

// The services' statistics parts are read by the backend's own /api/admin/stats, not through the routing table.
const READ_BY_BACKEND_STATS = new Set([
  'auth GET /auth/admin/stats',
  'credit GET /admin/stats',
  'ai GET /ai/admin/stats',
])

describe('every admin route refuses everyone but admins', () => {
  it('at the gateway: 401 without a token, 403 for a learner', async () => {
    const routes = routesOf(must(p.backend.app), /^\/api\/admin(\/|$)/)
    expect(routes.length).toBeGreaterThan(15)
    for (const r of routes) {
      const anon = await learner.call(r.method, fill(r.path), {
        body: bodyOf(r.method),
        auth: false,
      })
      expect([r.path, anon.status]).toEqual([r.path, 401])
      const user = await learner.call(r.method, fill(r.path), { body: bodyOf(r.method) })
      expect([r.path, user.status, user.body.error.code]).toEqual([r.path, 403, 'FORBIDDEN'])
    }
  })

  it('in each service too, and each service admin route is reached only through an admin endpoint of the backend', async () => {
    const ROUTES = await routedSpecs()
    const services = [
      ['auth', must(p.auth.app), /^\/auth\/admin\//],
      ['credit', must(p.credit.app), /^\/admin\//],
      ['ai', must(must(p.ai).app), /^\/ai\/admin\//],
    ] as const
    for (const [role, app, match] of services) {
      for (const r of routesOf(app, match)) {
        const routed = ROUTES.find(
          (x) => x.service === role && x.method === r.method && x.target === r.path,
        )
        if (!READ_BY_BACKEND_STATS.has(`${role} ${r.method} ${r.path}`))
          expect([r.path, routed?.admin]).toEqual([r.path, true])
        const res = await p.service(role, fill(r.path), {
          method: r.method,
          body: bodyOf(r.method),
          headers: { authorization: `Bearer ${learner.token}` },
        })
        expect([role, r.path, res.status]).toEqual([role, r.path, 403])
      }
    }
  })

  it('auth admin routes are not reachable through the /api/auth proxy', async () => {
    expect((await learner.call('GET', '/api/auth/admin/users')).status).toBe(404)
  })
})

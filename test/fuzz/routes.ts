import type { Hono } from 'hono'
import type { z } from 'zod'
import type { Config, Role } from '../../lib/config'
import { schemaOf } from '../../lib/validate'
import { cached } from '../../lib/cached'

export type Target = 'json' | 'query' | 'param' | 'header'
export type FuzzRoute = {
  role: Role
  method: string
  path: string
  schemas: Partial<Record<Target, z.ZodType>>
}

const METHODS_OF_ALL = ['GET', 'POST', 'PUT', 'DELETE']

/**
 * Every route a role app answers, read from the app itself (Hono's `app.routes`), with the zod schemas of its
 * validators: a new route cannot escape the fuzz suite. Middleware-only entries (`ALL /*`) are left out.
 */
export function routesOf(role: Role, app: Pick<Hono, 'routes'>, config: Config): FuzzRoute[] {
  const byKey = new Map<string, FuzzRoute>()
  for (const r of app.routes) {
    if (r.path === '/*') continue
    for (const method of r.method === 'ALL' ? METHODS_OF_ALL : [r.method]) {
      const key = `${method} ${r.path}`
      const route = cached(byKey, key, (): FuzzRoute => ({
        role,
        method,
        path: r.path,
        schemas: {},
      }))
      const v = schemaOf.get(r.handler)
      if (v && v.target in { json: 1, query: 1, param: 1, header: 1 })
        route.schemas[v.target as Target] =
          typeof v.schema === 'function' ? v.schema({ var: { config } } as never) : v.schema
    }
  }
  return [...byKey.values()]
}

/**
 * The backend's proxied routes take the schemas of the route they reach (the same path without `/api`), and a
 * proxied subtree (`/api/auth/*`) becomes one route per route of the role behind it.
 */
export function borrowSchemas(backend: FuzzRoute[], inner: FuzzRoute[]): FuzzRoute[] {
  return backend.flatMap((r) => {
    const inside = r.path.replace(/^\/api/, '')
    if (r.path.endsWith('/*')) {
      const under = inner.filter(
        (i) => i.method === r.method && i.path.startsWith(inside.slice(0, -1)),
      )
      return [r, ...under.map((i) => ({ ...i, role: r.role, path: `/api${i.path}` }))]
    }
    const twin = inner.find((i) => i.method === r.method && i.path === inside)
    return [twin ? { ...r, schemas: { ...twin.schemas, ...r.schemas } } : r]
  })
}

/** Path parameters of a route, `:name` or `:name{regex}`. */
export const paramsOf = (path: string) => [...path.matchAll(/:(\w+)(\{[^}]*\})?/g)].map((m) => m[1])
export const fillPath = (path: string, values: Record<string, string>) =>
  path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string) => values[name]).replace(/\/\*$/, '/x')

/** Routes that can end the fuzzing session, its account or its tokens run last, so the others keep a signed-in user. */
export const lastly = (r: FuzzRoute) =>
  /erase|delete|logout|sessions|password|rotate|status|role|reauth/.test(r.path) ||
  r.method === 'DELETE'
    ? 1
    : 0

import { routed } from './_lib/routed'
import type { RouteSpec } from './_lib/routes'

/** Money totals for admins, from the credit role. */
export const route: RouteSpec = {
  method: 'GET',
  path: '/api/admin/stats',
  service: 'credit',
  target: '/admin/stats',
  limit: 'standard',
  cost: null,
  timeoutMs: 10_000,
  admin: true,
}

export default routed(route)

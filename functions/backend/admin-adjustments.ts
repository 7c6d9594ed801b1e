import { routed } from './_lib/routed'
import type { RouteSpec } from './_lib/routes'

/** Add or take credits by hand (admins), in the credit role. */
export const route: RouteSpec = {
  method: 'POST',
  path: '/api/admin/adjustments',
  service: 'credit',
  target: '/admin/adjustments',
  limit: 'standard',
  cost: null,
  timeoutMs: 10_000,
  admin: true,
}

export default routed(route)

import { routed } from './_lib/routed'
import type { RouteSpec } from './_lib/routes'

/** Search the ledger (admins), from the credit role. */
export const route: RouteSpec = {
  method: 'GET',
  path: '/api/admin/transactions',
  service: 'credit',
  target: '/admin/transactions',
  limit: 'standard',
  cost: null,
  timeoutMs: 10_000,
  admin: true,
}

export default routed(route)

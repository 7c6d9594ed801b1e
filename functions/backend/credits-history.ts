import { routed } from './_lib/routed'
import type { RouteSpec } from './_lib/routes'

/** The signed-in user's ledger, a page at a time, from the credit role. */
export const route: RouteSpec = {
  method: 'GET',
  path: '/api/credits/history',
  service: 'credit',
  target: '/credits/history',
  limit: 'standard',
  cost: null,
  timeoutMs: 5000,
}

export default routed(route)

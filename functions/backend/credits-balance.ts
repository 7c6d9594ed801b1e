import { routed } from './_lib/routed'
import type { RouteSpec } from './_lib/routes'

/** The signed-in user's balance and plan, from the credit role. */
export const route: RouteSpec = {
  method: 'GET',
  path: '/api/credits/balance',
  service: 'credit',
  target: '/credits/balance',
  limit: 'standard',
  cost: null,
  timeoutMs: 5000,
}

export default routed(route)

import { routed } from './_lib/routed'
import type { RouteSpec } from './_lib/routes'

/** What the SPA needs to open Paddle checkout, from the credit role. */
export const route: RouteSpec = {
  method: 'GET',
  path: '/api/credits/checkout',
  service: 'credit',
  target: '/credits/checkout',
  limit: 'standard',
  cost: null,
  timeoutMs: 5000,
}

export default routed(route)

import { routed } from './_lib/routed'
import type { RouteSpec } from './_lib/routes'

/** Refund a debit (admins), in the credit role. */
export const route: RouteSpec = {
  method: 'POST',
  path: '/api/admin/refunds',
  service: 'credit',
  target: '/admin/refunds',
  limit: 'standard',
  cost: null,
  timeoutMs: 10_000,
  admin: true,
}

export default routed(route)

import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** A person's balance (held, pending) and plan with its source (credit). */
export const route = adminRoute(
  'GET',
  '/api/admin/users/:id/credits',
  'credit',
  '/admin/users/:id/credits',
)

export default routed(route)

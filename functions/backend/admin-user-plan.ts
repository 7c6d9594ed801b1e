import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** Give a plan by hand until a date, or end it, with a reason (credit). */
export const route = adminRoute(
  'PUT',
  '/api/admin/users/:id/plan',
  'credit',
  '/admin/users/:id/plan',
)

export default routed(route)

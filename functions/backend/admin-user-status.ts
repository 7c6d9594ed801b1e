import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** Disable (signs out everywhere) or enable an account, with a reason (auth). */
export const route = adminRoute(
  'PUT',
  '/api/admin/users/:id/status',
  'auth',
  '/auth/admin/users/:id/status',
)

export default routed(route)

import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** End one of a person's sessions or all of them, with a reason (auth). */
export const route = adminRoute(
  'POST',
  '/api/admin/users/:id/sessions/revoke',
  'auth',
  '/auth/admin/users/:id/sessions/revoke',
)

export default routed(route)

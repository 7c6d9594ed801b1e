import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** Grant or remove admin rights, with a reason; the person is signed out everywhere (auth). */
export const route = adminRoute(
  'PUT',
  '/api/admin/users/:id/admin',
  'auth',
  '/auth/admin/users/:id/admin',
)

export default routed(route)

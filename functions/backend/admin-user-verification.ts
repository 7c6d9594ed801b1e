import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** Send a person a new email verification code, with a reason (auth). */
export const route = adminRoute(
  'POST',
  '/api/admin/users/:id/verification',
  'auth',
  '/auth/admin/users/:id/verification',
)

export default routed(route)

import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** A person's profile, sign-in state, sessions and recent audit events (auth). */
export const route = adminRoute('GET', '/api/admin/users/:id', 'auth', '/auth/admin/users/:id')

export default routed(route)

import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** Rotate the signing key now (or in an emergency), with a reason (auth). */
export const route = adminRoute('POST', '/api/admin/keys/rotate', 'auth', '/auth/admin/keys/rotate')

export default routed(route)

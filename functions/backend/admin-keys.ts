import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** Signing keys and the rotation schedule (auth). */
export const route = adminRoute('GET', '/api/admin/keys', 'auth', '/auth/admin/keys')

export default routed(route)

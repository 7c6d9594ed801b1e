import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** People for admins (auth): search by name, email or id, filters, sorts, keyset pages, CSV. */
export const route = adminRoute('GET', '/api/admin/users', 'auth', '/auth/admin/users')

export default routed(route)

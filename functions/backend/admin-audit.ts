import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** The audit trail: filters, keyset pages, CSV (auth). */
export const route = adminRoute('GET', '/api/admin/audit', 'auth', '/auth/admin/audit')

export default routed(route)

import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** Add or take credits by hand (admins), in the credit role. */
export const route = adminRoute('POST', '/api/admin/adjustments', 'credit', '/admin/adjustments')

export default routed(route)

import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** Refund a debit (admins), in the credit role. */
export const route = adminRoute('POST', '/api/admin/refunds', 'credit', '/admin/refunds')

export default routed(route)

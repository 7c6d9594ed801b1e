import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** Search the ledger (admins), from the credit role. */
export const route = adminRoute('GET', '/api/admin/transactions', 'credit', '/admin/transactions')

export default routed(route)

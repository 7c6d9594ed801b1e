import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** Each AI provider: live or demo, breaker, queue, last hour (ai). */
export const route = adminRoute('GET', '/api/admin/ai/providers', 'ai', '/ai/admin/providers')

export default routed(route)

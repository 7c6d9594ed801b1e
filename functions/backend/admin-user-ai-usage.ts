import { routed } from './_lib/routed'
import { adminRoute } from './_lib/routes'

/** A person's AI calls and cost by day and operation (ai). */
export const route = adminRoute(
  'GET',
  '/api/admin/users/:id/ai-usage',
  'ai',
  '/ai/admin/users/:id/usage',
)

export default routed(route)

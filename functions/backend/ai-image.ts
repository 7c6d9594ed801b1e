import { PAID_TIMEOUT_MS } from '../../lib/credit/paid'
import { routed } from './_lib/routed'
import { IMAGE, type RouteSpec } from './_lib/routes'

/** Paid AI call, served by the ai role; the provider and model per user type come from IMAGE. */
export const route: RouteSpec = {
  method: 'POST',
  path: '/api/ai/image',
  service: 'ai',
  target: '/ai/image',
  limit: 'ai',
  cost: 'ai.image',
  operation: 'image',
  timeoutMs: PAID_TIMEOUT_MS['ai.image'],
  providers: IMAGE,
}

export default routed(route)

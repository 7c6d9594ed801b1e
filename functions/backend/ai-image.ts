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
  timeoutMs: 60_000,
  providers: IMAGE,
}

export default routed(route)

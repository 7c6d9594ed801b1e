import { routed } from './_lib/routed'
import type { RouteSpec } from './_lib/routes'

/** A generated image or sound, by its content hash (free: it was paid for when made). */
export const route: RouteSpec = {
  method: 'GET',
  path: '/api/ai/media/:key',
  service: 'ai',
  target: '/ai/media/:key',
  limit: 'standard',
  cost: null,
  timeoutMs: 15_000,
}

export default routed(route)

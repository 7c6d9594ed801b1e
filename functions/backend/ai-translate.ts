import { PAID_TIMEOUT_MS } from '../../lib/credit/paid'
import { routed } from './_lib/routed'
import { TEXT, type RouteSpec } from './_lib/routes'

/** Paid AI call, served by the ai role; the provider and model per user type come from TEXT. */
export const route: RouteSpec = {
  method: 'POST',
  path: '/api/ai/translate',
  service: 'ai',
  target: '/ai/translate',
  limit: 'ai',
  cost: 'ai.text',
  operation: 'translate',
  timeoutMs: PAID_TIMEOUT_MS['ai.text'],
  providers: TEXT,
}

export default routed(route)

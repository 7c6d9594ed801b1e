import { PAID_TIMEOUT_MS } from '../../lib/credit/paid'
import { routed } from './_lib/routed'
import { SPEECH, type RouteSpec } from './_lib/routes'

/** Paid AI call, served by the ai role; the provider and model per user type come from SPEECH. */
export const route: RouteSpec = {
  method: 'POST',
  path: '/api/ai/speech',
  service: 'ai',
  target: '/ai/speech',
  limit: 'ai',
  cost: 'ai.speech',
  operation: 'speech',
  timeoutMs: PAID_TIMEOUT_MS['ai.speech'],
  providers: SPEECH,
}

export default routed(route)

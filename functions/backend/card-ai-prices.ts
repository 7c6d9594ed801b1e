import { Hono } from 'hono'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { ACTIONS, routeOf } from './_lib/card-actions'
import type { BackendEnv } from './env'

/** What each card action holds before it runs (the most it can cost); a cached answer costs less. */
export default new Hono<BackendEnv>().get('/api/cards/ai/prices', requireUser(), rateLimit('standard'), (c) => {
  const { COST_ESTIMATE_AI_TEXT, COST_ESTIMATE_AI_IMAGE, COST_ESTIMATE_AI_SPEECH } = c.var.config
  const est = { 'ai.text': COST_ESTIMATE_AI_TEXT, 'ai.image': COST_ESTIMATE_AI_IMAGE, 'ai.speech': COST_ESTIMATE_AI_SPEECH }
  const actions = Object.fromEntries(Object.entries(ACTIONS).map(([name, a]) => [name, { atMost: est[routeOf(a.op).cost!] }]))
  return c.json({ currency: 'micro-EUR', actions })
})

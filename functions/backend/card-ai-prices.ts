import { Hono } from 'hono'
import { OPERATIONS } from '../../lib/ai/operations'
import { mostItCosts } from '../../lib/ai/prices'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { ACTIONS, routeOf } from './_lib/card-actions'
import { userTypeOf } from './_lib/routes'
import type { BackendEnv } from './env'

// The longest front an operation takes, in the characters that weigh most (three UTF-8 bytes each).
const longest = (op: keyof typeof OPERATIONS) => {
  const shape = OPERATIONS[op].input.shape
  return '€'.repeat(('text' in shape ? shape.text : shape.prompt).maxLength ?? 0)
}

/** The most each card action can cost this user (what it holds for the longest card); most cost less. */
export default new Hono<BackendEnv>().get(
  '/api/cards/ai/prices',
  requireUser(),
  rateLimit('standard'),
  (c) => {
    const type = userTypeOf(c.var.user.role)
    const actions = Object.fromEntries(
      Object.entries(ACTIONS).map(([name, a]) => {
        const input = { ...a.input(longest(a.op), { sourceLang: 'en', targetLang: 'de' }), n: 10 }
        return [name, { atMost: mostItCosts(a.op, input, routeOf(a.op).providers?.[type]) }]
      }),
    )
    return c.json({ currency: 'micro-EUR', actions })
  },
)

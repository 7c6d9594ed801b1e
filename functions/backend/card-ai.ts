import { Hono } from 'hono'
import { z } from 'zod'
import { mostItCosts } from '../../lib/ai/prices'
import { getCard, getCardWithLanguages, updateCard } from '../../lib/content/cards'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { COST_HEADER, paidCall } from '../../lib/middleware/credits'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { IdParam, Level } from '../../lib/content/schemas'
import { validate } from '../../lib/validate'
import { callRoute, passHeaders } from './_lib/call-route'
import { ACTIONS, type Answer, place, routeOf } from './_lib/card-actions'
import type { BackendEnv } from './env'
import { userTypeOf } from './_lib/routes'

const Options = z.object({
  level: Level.optional(),
  n: z.number().int().min(1).max(10).optional(),
  refresh: z.boolean().optional(),
})

/**
 * AI on a card (`POST /api/cards/:id/ai/{translate|examples|explain|image|audio}`): paid like the AI routes
 * (the most it can cost held, then charged what the answer says, once per Idempotency-Key). The answer fills
 * an empty field or adds examples; it never replaces what the learner wrote, but comes back as a `proposal` to
 * accept, add or discard. `demo` says the offline stand-in answered (no provider configured).
 */
const app = new Hono<BackendEnv>()
for (const [action, a] of Object.entries(ACTIONS)) {
  const route = routeOf(a.op)
  app.post(
    `/api/cards/:id/ai/${action}`,
    requireUser(),
    rateLimit('ai'),
    validate('param', IdParam),
    validate('json', Options),
    async (c) => {
      const { id } = c.req.valid('param')
      const found = await asUser(c.var.db, c.var.user.id, (sql) => getCardWithLanguages(sql, id))
      if (!found) throw new ApiError('NOT_FOUND', 'No such card')
      const input = { ...a.input(found.card.front, found), ...c.req.valid('json') }
      return paidCall(
        c,
        mostItCosts(a.op, input, route.providers?.[userTypeOf(c.var.user.role)]),
        async () => {
          const res = await callRoute(c, route, route.target, { body: input })
          if (!res.ok)
            return new Response(res.body, { status: res.status, headers: passHeaders(res) })
          const answer = (await res.json()) as Answer
          const value = a.value(answer, c.req.valid('json'))
          // Placed against the card as it is now (locked), not as it was before the call: it may have been edited.
          const placed = await asUser(c.var.db, c.var.user.id, async (sql) => {
            const card = await getCard(sql, id, true)
            if (!card) return null
            const { change, proposal } = place(card, a.field, value)
            return {
              card: change ? await updateCard(sql, id, change, `ai.${action}`) : card,
              applied: change ? a.field : null,
              proposal,
            }
          })
          if (!placed) throw new ApiError('NOT_FOUND', 'No such card')
          return c.json({ ...placed, cost: answer.cost, demo: answer.plugin === 'offline' }, 200, {
            [COST_HEADER]: String(answer.cost),
          })
        },
      )
    },
  )
}

export default app

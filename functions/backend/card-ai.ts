import { Hono } from 'hono'
import { z } from 'zod'
import { getCardWithLanguages, updateCard } from '../../lib/content/cards'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { COST_HEADER, reserveCredits } from '../../lib/middleware/credits'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { IdParam } from '../../lib/content/schemas'
import { validate } from '../../lib/validate'
import { callRoute, passHeaders } from './_lib/call-route'
import { ACTIONS, type Answer, routeOf } from './_lib/card-actions'
import type { BackendEnv } from './env'

const Options = z.object({ level: z.enum(['A1', 'A2', 'B1', 'B2', 'C1', 'C2']).optional(), n: z.number().int().min(1).max(10).optional(), refresh: z.boolean().optional() })

/**
 * AI on a card (`POST /api/cards/:id/ai/{translate|examples|explain|image|audio}`): paid like the AI routes
 * (held, then settled at the reported cost), and the answer is saved onto the card.
 */
const app = new Hono<BackendEnv>()
for (const [action, a] of Object.entries(ACTIONS)) {
  const route = routeOf(a.op)
  app.post(`/api/cards/:id/ai/${action}`, requireUser(), rateLimit('ai'), validate('param', IdParam), validate('json', Options), reserveCredits(route.cost!), async (c) => {
    const { id } = c.req.valid('param')
    const found = await asUser(c.var.db, c.var.user!.id, (sql) => getCardWithLanguages(sql, id))
    if (!found) throw new ApiError('NOT_FOUND', 'No such card')
    const res = await callRoute(c, route, route.target, { ...a.input(found.card.front, found), ...c.req.valid('json') })
    if (!res.ok) return new Response(res.body, { status: res.status, headers: passHeaders(res) })
    const answer = (await res.json()) as Answer
    const saved = await asUser(c.var.db, c.var.user!.id, (sql) => updateCard(sql, id, a.save(answer)))
    c.header(COST_HEADER, String(answer.cost))
    return c.json({ card: saved, cost: answer.cost })
  })
}

export default app

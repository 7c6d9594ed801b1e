import { Hono } from 'hono'
import { z } from 'zod'
import { getCardWithLanguages, updateCard } from '../../lib/content/cards'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { COST_HEADER, reserveCredits } from '../../lib/middleware/credits'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import { callRoute, passHeaders } from './call-route'
import { IdParam } from './content-schemas'
import type { BackendEnv } from './index'
import { ROUTES } from './routes'

type Langs = { sourceLang: string; targetLang: string }
type Answer = { result?: Record<string, any>; media?: { key: string }; cost: number }
const Options = z.object({ level: z.enum(['A1', 'A2', 'B1', 'B2', 'C1', 'C2']).optional(), n: z.number().int().min(1).max(10).optional(), refresh: z.boolean().optional() })
const text = (f: string, d: Langs) => ({ text: f, from: d.sourceLang, to: d.targetLang })

// Each action: the AI operation it runs on the card's front, and the change to the card its answer makes.
const ACTIONS = {
  translate: { op: 'translate', input: text, save: (a: Answer) => ({ back: a.result!.translation }) },
  examples: { op: 'examples', input: text, save: (a: Answer) => ({ examples: a.result!.examples }) },
  explain: { op: 'explain', input: text, save: (a: Answer) => ({ notes: a.result!.explanation }) },
  image: { op: 'image', input: (f: string) => ({ prompt: f }), save: (a: Answer) => ({ imageKey: a.media!.key }) },
  audio: { op: 'speech', input: (f: string, d: Langs) => ({ text: f, language: d.sourceLang }), save: (a: Answer) => ({ audioKey: a.media!.key }) },
} as const

/**
 * AI on a card (`POST /api/cards/:id/ai/{translate|examples|explain|image|audio}`): paid like the AI routes
 * (held, then settled at the reported cost), and the answer is saved onto the card.
 */
const app = new Hono<BackendEnv>()
for (const [action, a] of Object.entries(ACTIONS)) {
  const route = ROUTES.find((r) => r.path === `/api/ai/${a.op}`)!
  app.post(`/:id/ai/${action}`, requireUser(), rateLimit('ai'), validate('param', IdParam), validate('json', Options), reserveCredits(route.cost!), async (c) => {
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

/** What each card action holds before it runs (the most it can cost); a cached answer costs less. */
app.get('/ai/prices', requireUser(), (c) => {
  const est = { 'ai.text': c.var.config.COST_ESTIMATE_AI_TEXT, 'ai.image': c.var.config.COST_ESTIMATE_AI_IMAGE, 'ai.speech': c.var.config.COST_ESTIMATE_AI_SPEECH }
  return c.json({ currency: 'micro-EUR', actions: Object.fromEntries(Object.entries(ACTIONS).map(([name, a]) => [name, { atMost: est[ROUTES.find((r) => r.path === `/api/ai/${a.op}`)!.cost!] }])) })
})
export default app

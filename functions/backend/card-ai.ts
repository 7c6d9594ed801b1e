import { Hono } from 'hono'
import { z } from 'zod'
import { getCard } from '../../lib/content/cards'
import type { Sql } from '../../lib/db/db'
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

type Deck = { source_lang: string; target_lang: string }
type Answer = { result?: Record<string, unknown>; media?: { key: string }; cost: number }
const Options = z.object({ level: z.enum(['A1', 'A2', 'B1', 'B2', 'C1', 'C2']).optional(), n: z.number().int().min(1).max(10).optional(), refresh: z.boolean().optional() })

// Each action: the AI operation it runs on the card's front, and where the answer is saved on the card.
const ACTIONS = {
  translate: { op: 'translate', input: (f: string, d: Deck) => ({ text: f, from: d.source_lang, to: d.target_lang }), save: ['back', (a: Answer) => a.result!.translation] },
  examples: { op: 'examples', input: (f: string, d: Deck) => ({ text: f, from: d.source_lang, to: d.target_lang }), save: ['examples', (a: Answer) => JSON.stringify(a.result!.examples)] },
  explain: { op: 'explain', input: (f: string, d: Deck) => ({ text: f, from: d.source_lang, to: d.target_lang }), save: ['notes', (a: Answer) => a.result!.explanation] },
  image: { op: 'image', input: (f: string) => ({ prompt: f }), save: ['image_key', (a: Answer) => a.media!.key] },
  audio: { op: 'speech', input: (f: string, d: Deck) => ({ text: f, language: d.source_lang }), save: ['audio_key', (a: Answer) => a.media!.key] },
} as const

const cardWithDeck = async (sql: Sql, id: string) => {
  const card = await getCard(sql, id)
  const [deck] = card ? await sql<Deck>(`select source_lang, target_lang from content.decks where id = $1`, [card.deckId]) : []
  if (!card || !deck) throw new ApiError('NOT_FOUND', 'No such card')
  return { card, deck }
}

/**
 * AI on a card (`POST /api/cards/:id/ai/{translate|examples|explain|image|audio}`): paid like the AI routes
 * (held, then settled at the reported cost), and the answer is saved onto the card.
 */
const app = new Hono<BackendEnv>()
for (const [action, a] of Object.entries(ACTIONS)) {
  const route = ROUTES.find((r) => r.path === `/api/ai/${a.op}`)!
  app.post(`/:id/ai/${action}`, requireUser(), rateLimit('ai'), validate('param', IdParam), validate('json', Options), reserveCredits(route.cost!), async (c) => {
    const { id } = c.req.valid('param')
    const { card, deck } = await asUser(c.var.db, c.var.user!.id, (sql) => cardWithDeck(sql, id))
    const res = await callRoute(c, route, route.target, { ...a.input(card.front, deck), ...c.req.valid('json') })
    if (!res.ok) return new Response(res.body, { status: res.status, headers: passHeaders(res) })
    const answer = (await res.json()) as Answer
    const [column, value] = a.save
    const saved = await asUser(c.var.db, c.var.user!.id, async (sql) => {
      await sql(`update content.cards set ${column} = $2 where id = $1`, [id, value(answer)]) // column from the fixed table above
      return getCard(sql, id)
    })
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

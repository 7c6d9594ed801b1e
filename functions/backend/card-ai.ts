import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { mostItCosts } from '../../lib/ai/prices'
import type { User } from '../../lib/app'
import { type Card, type Example, getCard, getCardWithLanguages } from '../../lib/content/cards'
import { editCard } from '../../lib/content/notes'
import type { Stored } from '../../lib/credit/idempotency'
import type { Db } from '../../lib/db/db'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { COST_HEADER, paid } from '../../lib/middleware/credits'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { IdParam, Level } from '../../lib/content/schemas'
import { validate } from '../../lib/validate'
import { callRoute, forward } from './_lib/call-route'
import { ACTIONS, type Answer, place, routeOf } from './_lib/card-actions'
import type { BackendEnv } from './env'

type Env = BackendEnv & { Variables: { user: User } }
import { userTypeOf } from './_lib/routes'

const Options = z.object({
  level: Level.optional(),
  n: z.number().int().min(1).max(10).optional(),
  refresh: z.boolean().optional(),
})
type Options = z.infer<typeof Options>

/**
 * AI on a card (`POST /api/cards/:id/ai/{translate|examples|explain|image|audio}`): paid like the AI routes
 * (the most it can cost held, then charged what the answer says, once per Idempotency-Key). The answer fills
 * an empty field or adds examples; it never replaces what the learner wrote, but comes back as a `proposal` to
 * accept, add or discard. `demo` says the offline stand-in answered (no provider configured).
 */
/** Ends the placing transaction, rolled back, with what it worked out. */
class Placed extends Error {
  constructor(readonly placed: { card: Card | null; applied: string | null; proposal: unknown }) {
    super('placed')
  }
}

const app = new Hono<BackendEnv>()
for (const [action, a] of Object.entries(ACTIONS)) {
  const route = routeOf(a.op)
  const { cost } = route
  if (!cost) throw new Error(`the ${a.op} route has no cost class`)
  /** The AI call's input: the card's front and languages, with the request's options. */
  const inputOf = async (db: Db, userId: string, id: string, options: Options) => {
    const found = await asUser(db, userId, (sql) => getCardWithLanguages(sql, id))
    if (!found) throw new ApiError('NOT_FOUND', 'No such card')
    return { ...a.input(found.card.front, found), ...options }
  }
  /**
   * Before a replay: an answer whose change never reached the card (the backend died between credit's commit
   * and the card's) gets its change now, so the card agrees with what was paid for. Only then is the card older
   * than the stored answer's; a later edit makes it newer, and that edit stands.
   */
  const catchUp = async <E extends Env>(c: Context<E>, stored: Stored) => {
    const paidFor = JSON.parse(stored.body) as { card: Card; applied: string | null }
    if (stored.status !== 200 || !paidFor.applied) return
    await asUser(c.var.db, c.var.user.id, async (sql) => {
      const card = await getCard(sql, paidFor.card.id, true)
      if (!card || card.updatedAt.getTime() >= new Date(paidFor.card.updatedAt).getTime()) return
      const { change } = place(card, a.field, paidFor.card[a.field] as string | Example[])
      if (change)
        await editCard(sql, card.id, change, c.var.config, new Date(c.var.now()), `ai.${action}`)
    })
  }
  app.post(
    `/api/cards/:id/ai/${action}`,
    requireUser(),
    rateLimit('ai'),
    validate('param', IdParam),
    validate('json', Options),
    paid<Env>(
      cost,
      async (c) => {
        const options = Options.parse(await c.req.json()) // validated above: the same value
        const input = await inputOf(c.var.db, c.var.user.id, c.req.param('id') ?? '', options)
        return mostItCosts(a.op, input, route.providers?.[userTypeOf(c.var.user.role)])
      },
      catchUp,
    ),
    async (c) => {
      const { id } = c.req.valid('param')
      const res = await callRoute(c, route, route.target, {
        body: await inputOf(c.var.db, c.var.user.id, id, c.req.valid('json')),
      })
      if (!res.ok) return forward(c, res)
      const answer = (await res.json()) as Answer
      const value = a.value(answer, c.req.valid('json'))
      // Placed against the card as it is now (locked), in a transaction rolled back at once: the card stays as
      // it was until the charge is recorded, and no connection is held while credit records it (the embedded
      // database serves one connection at a time). Once charged, the change is made as a replay makes it, so
      // a charge that fails changes nothing, and an edit the learner saved in between stands.
      const placed = await asUser(c.var.db, c.var.user.id, async (sql) => {
        const card = await getCard(sql, id, true)
        if (!card) throw new ApiError('NOT_FOUND', 'No such card')
        const { change, proposal } = place(card, a.field, value)
        const edited = change
          ? await editCard(sql, id, change, c.var.config, new Date(c.var.now()), `ai.${action}`)
          : card
        throw new Placed({ card: edited, applied: change ? a.field : null, proposal })
      }).catch((err: unknown) => {
        if (err instanceof Placed) return err.placed
        throw err
      })
      const { charge } = c.var
      if (!charge) throw new Error('card AI runs after paid()')
      const sent = await charge(
        c.json({ ...placed, cost: answer.cost, demo: answer.plugin === 'offline' }, 200, {
          [COST_HEADER]: String(answer.cost),
        }),
      )
      if (sent.status === 200)
        await catchUp(c, { status: 200, contentType: '', body: await sent.clone().text(), cost: 0 })
      return sent
    },
  )
}

export default app

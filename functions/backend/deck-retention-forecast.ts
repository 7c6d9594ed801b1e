import { Hono } from 'hono'
import {
  deckWorkload,
  forecastRetentions,
  type RetentionForecast,
} from '../../lib/content/retention-forecast'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { createGate } from '../../lib/gate'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

// A forecast is up to half a second of CPU: one at a time per process, a few waiting, the rest refused (503).
const gate = createGate({
  concurrency: 1,
  queue: 4,
  maxWaitMs: 5000,
  busy: 'Retention forecasts are busy; try again shortly',
})

/**
 * The desired-retention helper: the deck's reviews a day and cards remembered after a year at each retention
 * from 0.80 to 0.95, simulated from its cards with the learner's fitted FSRS weights (or the defaults).
 */
export default new Hono<BackendEnv>().get(
  '/api/decks/:id/retention-forecast',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    const deck = await asUser(c.var.db, c.var.user.id, (sql) =>
      deckWorkload(sql, c.req.valid('param').id, new Date(c.var.now())),
    )
    if (!deck) throw new ApiError('NOT_FOUND', 'No such deck')
    const { workload, ...about } = deck
    const forecast = await gate.run(() => forecastRetentions(workload, about.desiredRetention))
    const answer: RetentionForecast = {
      ...about,
      simulated: workload.cards.length + workload.newCards,
      days: workload.days,
      forecast,
    }
    return c.json(answer)
  },
)

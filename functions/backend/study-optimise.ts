import { Hono } from 'hono'
import { fitLearner } from '../../lib/content/fsrs-weights'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'

/**
 * "Optimise now": fits FSRS weights to the learner's reviews (at least FSRS_FIT_MIN_REVIEWS, once per
 * FSRS_FIT_COOLDOWN_MS) and answers the figures. The fit runs between two transactions, holding none.
 */
export default new Hono<BackendEnv>().post(
  '/api/study/optimise',
  requireUser(),
  rateLimit('standard'),
  async (c) => {
    const optimiser = c.var.optimiser
    if (!optimiser)
      throw new ApiError(
        'UNAVAILABLE',
        'Optimisation runs only on the Node backend; try again later',
      )
    return c.json(await fitLearner(c.var.db, optimiser, c.var.user.id, new Date()))
  },
)

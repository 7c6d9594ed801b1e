import { Hono } from 'hono'
import { z } from 'zod'
import { gradeCard } from '../../lib/content/study'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

export const ReviewBody = z.object({
  cardId: z.uuid(),
  grade: z.enum(['again', 'hard', 'good', 'easy']),
  version: z.number().int().min(0),
  durationMs: z.number().int().min(0).max(3_600_000),
})

/** Grades a card as seen at `version` (a second tab grading the same state gets 409); the review is logged. */
export default new Hono<BackendEnv>().post(
  '/api/study/review',
  requireUser(),
  rateLimit('standard'),
  validate('json', ReviewBody),
  async (c) => {
    const card = await asUser(c.var.db, c.var.user.id, (sql) =>
      gradeCard(sql, { ...c.req.valid('json'), now: new Date(c.var.now()) }),
    )
    return c.json(card)
  },
)

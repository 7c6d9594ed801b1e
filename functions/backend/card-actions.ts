import { Hono } from 'hono'
import { z } from 'zod'
import { applyCardAction, CARD_ACTIONS } from '../../lib/content/card-states'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

export const CardActionBody = z
  .object({
    ids: z.array(z.uuid()).min(1).max(1000, 'at most 1000 cards at once'),
    action: z.enum(CARD_ACTIONS),
    flag: z.number().int().min(0).max(7).optional(),
  })
  .refine((b) => (b.action === 'flag') === (b.flag !== undefined), {
    message: 'flag (0 to clear, 1–7 a colour) goes with the flag action only',
    path: ['flag'],
  })

/**
 * Suspends, unsuspends, buries until tomorrow, unburies or flags cards: one from study, many from the card
 * list. All or none: another user's card anywhere in the list makes it 404 and changes nothing.
 */
export default new Hono<BackendEnv>().post(
  '/api/cards/actions',
  requireUser(),
  rateLimit('standard'),
  validate('json', CardActionBody),
  async (c) => {
    const { ids, action, flag } = c.req.valid('json')
    return c.json(
      await asUser(c.var.db, c.var.user.id, (sql) =>
        applyCardAction(sql, ids, action, { now: new Date(c.var.now()), flag }),
      ),
    )
  },
)

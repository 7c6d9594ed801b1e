import { Hono } from 'hono'
import { z } from 'zod'
import { restoreCard } from '../../lib/content/card-history'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

const Params = z.object({ id: z.uuid(), entryId: z.uuid() })

/** Undoes one change of a card: what it replaced comes back, recorded as a change of its own. */
export default new Hono<BackendEnv>().post(
  '/api/cards/:id/history/:entryId/restore',
  requireUser(),
  rateLimit('standard'),
  validate('param', Params),
  async (c) => {
    const { id, entryId } = c.req.valid('param')
    const card = await asUser(c.var.db, c.var.user.id, (sql) =>
      restoreCard(sql, id, entryId, c.var.config, new Date(c.var.now())),
    )
    if (!card) throw new ApiError('NOT_FOUND', 'No such change of this card')
    return c.json(card)
  },
)

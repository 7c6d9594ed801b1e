import { Hono } from 'hono'
import { z } from 'zod'
import { setComp } from '../../lib/auth/users'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { requireService } from '../../lib/middleware/service-auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'

export const Body = z.object({
  role: z.enum(['user', 'plus', 'premium']),
  until: z.iso.datetime({ offset: true }).nullable(),
})

/**
 * The credit service passes on a plan given by hand until a date (a comp; `until: null` ends it): tokens carry
 * it until then, then the paid plan again, with no timer. The admin's reason is audited by credit. Credit
 * sends it again until it is confirmed (its outbox): the same change twice is one change, audited once.
 */
export default new Hono<AuthEnv>().put(
  '/internal/users/:id/comp',
  requireService({ from: ['credit'] }),
  validate('param', z.object({ id: UserId })),
  validate('json', Body),
  async (c) => {
    const { id } = c.req.valid('param')
    const { role, until } = c.req.valid('json')
    const changed = await asService(c.var.db, async (sql) => {
      const result = await setComp(sql, id, role, until ? new Date(until) : null)
      if (result === null) throw new ApiError('NOT_FOUND', 'No such user')
      if (result)
        await audit(sql, requestMeta(c), {
          actor: 'credit',
          action: 'user.comp_changed',
          subjectId: id,
          details: { role, until },
        })
      return result
    })
    return c.json({ id, role, until, changed })
  },
)

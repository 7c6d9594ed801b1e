import { Hono } from 'hono'
import { z } from 'zod'
import { setUserType } from '../../lib/auth/users'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { requireService } from '../../lib/middleware/service-auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'

/**
 * The credit service sets a user's paid type; the next access token carries it. Admins stay admins. Credit
 * sends it again until it is confirmed (its outbox): the same type twice changes and audits nothing.
 */
export default new Hono<AuthEnv>().put(
  '/internal/users/:id/role',
  requireService({ from: ['credit'] }),
  validate('param', z.object({ id: UserId })),
  validate('json', z.object({ role: z.enum(['user', 'plus', 'premium']) })),
  async (c) => {
    const { id } = c.req.valid('param')
    const { role } = c.req.valid('json')
    const changed = await asService(c.var.db, async (sql) => {
      const result = await setUserType(sql, id, role)
      if (result === null) throw new ApiError('NOT_FOUND', 'No such user')
      if (result)
        await audit(sql, requestMeta(c), {
          actor: 'credit',
          action: 'user.role_changed',
          subjectId: id,
          details: { role },
        })
      return result
    })
    return c.json({ id, role, changed })
  },
)

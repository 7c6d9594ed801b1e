import { Hono } from 'hono'
import { z } from 'zod'
import { revokeSessions } from '../../lib/auth/sessions'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { UserId } from '../../lib/ids'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'

/** An admin signs a user out everywhere. */
export default new Hono<AuthEnv>().delete(
  '/auth/admin/users/:id/sessions',
  requireUser({ roles: ['admin'] }),
  validate('param', z.object({ id: UserId })),
  async (c) => {
    const { id } = c.req.valid('param')
    const ended = await asService(c.var.db, async (sql) => {
      const n = await revokeSessions(sql, id, 'admin', c.var.now())
      await audit(sql, requestMeta(c), { actor: c.var.user.id, action: 'admin.sessions_revoked', subjectId: id, details: { ended: n } })
      return n
    })
    return c.json({ ended })
  },
)

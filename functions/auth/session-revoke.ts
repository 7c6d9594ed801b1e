import { Hono } from 'hono'
import { z } from 'zod'
import { revokeSessions } from '../../lib/auth/sessions'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import { denyAccess } from './_lib/deny-access'
import type { AuthEnv } from './env'

/** Signs one of the user's own sessions out. */
export default new Hono<AuthEnv>().delete(
  '/auth/sessions/:id',
  requireUser(),
  validate('param', z.object({ id: z.uuid() })),
  async (c) => {
    const { id: sessionId } = c.req.valid('param')
    const userId = c.var.user.id
    const revoked = await asService(c.var.db, async (sql) => {
      const ids = await revokeSessions(sql, userId, 'user', c.var.now(), sessionId)
      if (ids.length)
        await audit(sql, requestMeta(c), {
          actor: userId,
          action: 'session.revoked',
          subjectId: userId,
          details: { sessionId, reason: 'user' },
        })
      return ids
    })
    await denyAccess(c, revoked)
    if (!revoked.length) throw new ApiError('NOT_FOUND', 'No such live session')
    return c.body(null, 204)
  },
)

import { Hono } from 'hono'
import { z } from 'zod'
import { liveSessions, revokeSessions } from '../../lib/auth/sessions'
import { auditAdmin, Reason } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import { denyAccess } from './_lib/deny-access'
import type { AuthEnv } from './env'

/** Without `sessionId`: every session. */
export const Body = z.object({ sessionId: z.uuid().optional(), reason: Reason })

/** An admin ends one session of a user, or all of them (signs them out everywhere), with a reason. */
export default new Hono<AuthEnv>().post(
  '/auth/admin/users/:id/sessions/revoke',
  requireUser({ roles: ['admin'] }),
  validate('param', z.object({ id: UserId })),
  validate('json', Body),
  async (c) => {
    const { id } = c.req.valid('param')
    const { sessionId, reason } = c.req.valid('json')
    const now = c.var.now()
    const ended = await asService(c.var.db, async (sql) => {
      const before = (await liveSessions(sql, id, now)).map((s) => s.id)
      if (sessionId && !before.includes(sessionId))
        throw new ApiError('NOT_FOUND', 'No such live session')
      await revokeSessions(sql, id, 'admin', now, sessionId)
      const after = before.filter((s) => sessionId && s !== sessionId)
      await auditAdmin(sql, requestMeta(c), {
        actor: c.var.user.id,
        action: 'admin.sessions_revoked',
        subjectId: id,
        reason,
        before: { sessions: before },
        after: { sessions: after },
      })
      return before.filter((s) => !after.includes(s))
    })
    await denyAccess(c, ended)
    return c.json({ ended: ended.length, sessionIds: ended })
  },
)

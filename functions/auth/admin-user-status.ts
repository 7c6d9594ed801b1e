import { Hono } from 'hono'
import { z } from 'zod'
import { findPerson, lockActiveAdmins } from '../../lib/auth/people'
import { revokeSessions } from '../../lib/auth/sessions'
import { setUserStatus } from '../../lib/auth/users'
import { auditAdmin, Reason } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import { denyAccess } from './_lib/deny-access'
import type { AuthEnv } from './env'

export const Body = z.object({ status: z.enum(['active', 'disabled']), reason: Reason })

/**
 * An admin disables an account (every session ends with it) or enables it again, with a reason. No admin
 * can disable themselves, and the actor must still be an active admin (locked): the last one always stays.
 */
export default new Hono<AuthEnv>().put(
  '/auth/admin/users/:id/status',
  requireUser({ roles: ['admin'] }),
  validate('param', z.object({ id: UserId })),
  validate('json', Body),
  async (c) => {
    const { id } = c.req.valid('param')
    const { status, reason } = c.req.valid('json')
    if (id === c.var.user.id)
      throw new ApiError('FORBIDDEN', 'Admins cannot change their own status')
    const now = c.var.now()
    const sessionIds = await asService(c.var.db, async (sql) => {
      await lockActiveAdmins(sql, c.var.user.id)
      const person = await findPerson(sql, id)
      if (!person || person.status === 'deleted') throw new ApiError('NOT_FOUND', 'No such user')
      await setUserStatus(sql, id, status)
      const ending = status === 'disabled' ? await revokeSessions(sql, id, 'disabled', now) : []
      await auditAdmin(sql, requestMeta(c), {
        actor: c.var.user.id,
        action: 'admin.user_status',
        subjectId: id,
        reason,
        before: { status: person.status },
        after: { status },
        details: { sessionsEnded: ending.length },
      })
      return ending
    })
    await denyAccess(c, sessionIds)
    return c.json({ id, status, sessionIds })
  },
)

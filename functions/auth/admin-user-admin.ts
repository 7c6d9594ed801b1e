import { Hono } from 'hono'
import { z } from 'zod'
import { findPerson, lockActiveAdmins } from '../../lib/auth/people'
import { revokeSessions } from '../../lib/auth/sessions'
import { setAdmin } from '../../lib/auth/users'
import { auditAdmin, Reason } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import { denyAccess } from './_lib/deny-access'
import type { AuthEnv } from './env'

export const Body = z.object({ admin: z.boolean(), reason: Reason })

/**
 * An admin grants admin rights or removes them, with a reason. The person is signed out everywhere either
 * way: a new admin signs in again with the emailed code (admins always need it), a former one gets tokens
 * without the role. Rights go only to an active account with a verified address (where the codes go); no
 * admin changes their own (so the last active admin always stays).
 */
export default new Hono<AuthEnv>().put(
  '/auth/admin/users/:id/admin',
  requireUser({ roles: ['admin'] }),
  validate('param', z.object({ id: UserId })),
  validate('json', Body),
  async (c) => {
    const { id } = c.req.valid('param')
    const { admin, reason } = c.req.valid('json')
    if (id === c.var.user.id)
      throw new ApiError('FORBIDDEN', 'Admins cannot change their own rights: ask another admin')
    const now = c.var.now()
    const result = await asService(c.var.db, async (sql) => {
      await lockActiveAdmins(sql, c.var.user.id)
      const person = await findPerson(sql, id)
      if (!person || person.status === 'deleted') throw new ApiError('NOT_FOUND', 'No such user')
      if (person.admin === admin) return { changed: false, sessionIds: [] }
      if (admin && (person.status !== 'active' || !person.emailVerified))
        throw new ApiError(
          'CONFLICT',
          'Admin rights need an active account with a verified email address',
        )
      await setAdmin(sql, id, admin)
      const sessionIds = await revokeSessions(sql, id, 'admin_rights', now)
      await auditAdmin(sql, requestMeta(c), {
        actor: c.var.user.id,
        action: 'admin.rights_changed',
        subjectId: id,
        reason,
        before: { admin: person.admin },
        after: { admin },
        details: { sessionsEnded: sessionIds.length },
      })
      return { changed: true, sessionIds }
    })
    await denyAccess(c, result.sessionIds)
    return c.json({ id, admin, ...result })
  },
)

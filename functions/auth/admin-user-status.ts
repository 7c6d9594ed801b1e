import { Hono } from 'hono'
import { z } from 'zod'
import { revokeSessions } from '../../lib/auth/sessions'
import { setUserStatus } from '../../lib/auth/users'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'

export const Body = z.object({ status: z.enum(['active', 'disabled']), reason: z.string().trim().min(3).max(500) })

/** An admin disables (every session ends) or re-enables an account, with a reason for the audit log. */
export default new Hono<AuthEnv>().put(
  '/auth/admin/users/:id/status',
  requireUser({ roles: ['admin'] }),
  validate('param', z.object({ id: UserId })),
  validate('json', Body),
  async (c) => {
    const { id } = c.req.valid('param')
    const { status, reason } = c.req.valid('json')
    if (id === c.var.user.id) throw new ApiError('FORBIDDEN', 'Admins cannot change their own status')
    const found = await asService(c.var.db, async (sql) => {
      if (!(await setUserStatus(sql, id, status))) return false
      const ended = status === 'disabled' ? await revokeSessions(sql, id, 'disabled', c.var.now()) : 0
      await audit(sql, requestMeta(c), { actor: c.var.user.id, action: 'admin.user_status', subjectId: id, details: { status, reason, ended } })
      return true
    })
    if (!found) throw new ApiError('NOT_FOUND', 'No such user')
    return c.json({ id, status })
  },
)

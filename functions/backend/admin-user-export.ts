import { Hono } from 'hono'
import { z } from 'zod'
import { auditAdmin, Reason } from '../../lib/db/audit'
import { UserId } from '../../lib/ids'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'
import { userDocument } from './_lib/user-document'

export const Body = z.object({ reason: Reason })

/** An admin exports a person's data (a GDPR request made to support), with a reason in the audit trail. */
export default new Hono<BackendEnv>().post(
  '/api/admin/users/:id/export',
  requireUser({ roles: ['admin'] }),
  rateLimit('admin'),
  validate('param', z.object({ id: UserId })),
  validate('json', Body),
  async (c) => {
    const { id } = c.req.valid('param')
    const { reason } = c.req.valid('json')
    const doc = await userDocument(c, id, (sql) =>
      auditAdmin(sql, requestMeta(c), {
        actor: c.var.user.id,
        action: 'admin.user_exported',
        subjectId: id,
        reason,
        before: null,
        after: null,
      }),
    )
    c.header('content-disposition', `attachment; filename="lingudesk-${id}.json"`)
    return c.json(doc)
  },
)

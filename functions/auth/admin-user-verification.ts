import { Hono } from 'hono'
import { z } from 'zod'
import { findAccount } from '../../lib/auth/accounts'
import { issueCode } from '../../lib/auth/codes'
import { emails } from '../../lib/auth/emails'
import { auditAdmin, Reason } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { sendMail } from './_lib/shared'

export const Body = z.object({ reason: Reason })

/** An admin sends a user a new email verification code (the previous one stops working), with a reason. */
export default new Hono<AuthEnv>().post(
  '/auth/admin/users/:id/verification',
  requireUser({ roles: ['admin'] }),
  validate('param', z.object({ id: UserId })),
  validate('json', Body),
  async (c) => {
    const { id } = c.req.valid('param')
    const { reason } = c.req.valid('json')
    const sent = await asService(c.var.db, async (sql) => {
      const account = await findAccount(sql, id)
      if (!account || account.status === 'deleted') throw new ApiError('NOT_FOUND', 'No such user')
      if (account.emailVerified)
        throw new ApiError('CONFLICT', 'This email address is already verified')
      const code = await issueCode(sql, { userId: id, purpose: 'verify_email', now: c.var.now() })
      await auditAdmin(sql, requestMeta(c), {
        actor: c.var.user.id,
        action: 'admin.verification_sent',
        subjectId: id,
        reason,
        before: { emailVerified: false },
        after: { emailVerified: false, codeSent: true },
      })
      return { email: account.email, code }
    })
    await sendMail(c, emails.verify(sent.email, sent.code.secret))
    return c.json({ sent: true }, 202)
  },
)

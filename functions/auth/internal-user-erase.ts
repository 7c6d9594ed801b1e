import { Hono } from 'hono'
import { z } from 'zod'
import { findAccount } from '../../lib/auth/accounts'
import { emails } from '../../lib/auth/emails'
import { revokeSessions } from '../../lib/auth/sessions'
import { eraseUser } from '../../lib/auth/users'
import { audit, auditAdmin, Reason } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { newUserId, UserId } from '../../lib/ids'
import { requireService } from '../../lib/middleware/service-auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import { denyAccess } from './_lib/deny-access'
import type { AuthEnv } from './env'
import { sendMail } from './_lib/shared'

/** When an admin erases: who, why, and the address typed to confirm it (it must be the account's). */
export const Body = z.object({
  admin: z.object({ id: UserId, reason: Reason, confirm: z.string().trim().max(254) }).optional(),
})

/**
 * Erases a user (backend only, after re-authentication or for an admin): `public.erase_user` deletes the
 * account with its sessions and content and moves the ledger to a fresh pseudonym. Erasing an erased id
 * answers `erased: false`. Admin accounts are not erased (take the role away first).
 */
export default new Hono<AuthEnv>().post(
  '/internal/users/:id/erase',
  requireService({ from: ['backend'] }),
  validate('param', z.object({ id: UserId })),
  validate('json', Body),
  async (c) => {
    const { id } = c.req.valid('param')
    const { admin } = c.req.valid('json')
    const pseudonym = newUserId()
    const { email, ended } = await asService(c.var.db, async (sql) => {
      const account = await findAccount(sql, id, true)
      if (admin && account) {
        if (account.email.toLowerCase() !== admin.confirm.toLowerCase())
          throw new ApiError('BAD_REQUEST', 'Type the account’s email address to confirm', [
            { path: 'confirm', message: 'must be the account’s email address' },
          ])
        if (account.role === 'admin')
          throw new ApiError('FORBIDDEN', 'Admin accounts cannot be erased')
      }
      const ended = await revokeSessions(sql, id, 'erased', c.var.now()) // their access tokens must die with them
      const erased = await eraseUser(sql, id, pseudonym)
      // No address or browser on the person's row: it must not point back to them.
      if (erased)
        await audit(
          sql,
          { requestId: c.var.requestId },
          { actor: admin ? admin.id : pseudonym, action: 'user.erased', subjectId: pseudonym },
        )
      if (erased && admin && account)
        await auditAdmin(sql, requestMeta(c), {
          actor: admin.id,
          action: 'admin.user_erased',
          subjectId: pseudonym,
          reason: admin.reason,
          before: { status: account.status },
          after: { status: 'deleted' },
        })
      return { email: erased, ended }
    })
    await denyAccess(c, ended)
    if (email) await sendMail(c, emails.accountDeleted(email))
    return c.json({ erased: email !== null, pseudonym: email ? pseudonym : null })
  },
)

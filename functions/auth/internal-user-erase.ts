import { Hono } from 'hono'
import { z } from 'zod'
import { emails } from '../../lib/auth/emails'
import { eraseUser } from '../../lib/auth/users'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { newUserId, UserId } from '../../lib/ids'
import { requireService } from '../../lib/middleware/service-auth'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { sendMail } from './_lib/shared'

/**
 * Erases a user (backend only, after re-authentication): `public.erase_user` deletes the account with its
 * sessions and content and moves the ledger to a fresh pseudonym. Erasing an erased id answers `erased: false`.
 */
export default new Hono<AuthEnv>().post('/internal/users/:id/erase', requireService({ from: ['backend'] }), validate('param', z.object({ id: UserId })), async (c) => {
  const { id } = c.req.valid('param')
  const pseudonym = newUserId()
  const email = await asService(c.var.db, async (sql) => {
    const erased = await eraseUser(sql, id, pseudonym)
    // No address or browser on this row: it must not point back to the person.
    if (erased) await audit(sql, { requestId: c.var.requestId }, { actor: pseudonym, action: 'user.erased', subjectId: pseudonym })
    return erased
  })
  if (email) await sendMail(c, emails.accountDeleted(email))
  return c.json({ erased: email !== null })
})

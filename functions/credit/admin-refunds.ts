import { Hono } from 'hono'
import { z } from 'zod'
import { refundDebit } from '../../lib/credit/refunds'
import { auditAdmin, Reason } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { CreditEnv } from './env'
import { Key, Micros } from './_lib/shared'

export const Body = z.object({
  transactionId: z.uuid(),
  amount: Micros.optional(),
  reason: Reason,
  key: Key,
})

/** An admin gives back credits taken by a debit, with a reason (audited once per refund). */
export default new Hono<CreditEnv>().post(
  '/admin/refunds',
  requireUser({ roles: ['admin'] }),
  validate('json', Body),
  async (c) => {
    const b = c.req.valid('json')
    const admin = c.var.user.id
    const refund = await asService(c.var.db, async (sql) => {
      const { tx, original, replay } = await refundDebit(sql, {
        ...b,
        actor: admin,
        requestId: c.var.requestId,
      })
      if (!replay)
        await auditAdmin(sql, requestMeta(c), {
          actor: admin,
          action: 'admin.refund',
          subjectId: original.userId,
          reason: b.reason,
          before: { balance: tx.balanceAfter - tx.amount },
          after: { balance: tx.balanceAfter },
          details: { transactionId: tx.id, refundOf: original.id, amount: tx.amount },
        })
      return tx
    })
    return c.json(refund, 201)
  },
)

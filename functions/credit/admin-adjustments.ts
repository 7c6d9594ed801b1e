import { Hono } from 'hono'
import { z } from 'zod'
import { findTransaction, lockKey, post } from '../../lib/credit/ledger'
import { userExists } from '../../lib/credit/subscriptions'
import { auditAdmin, Reason } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { CreditEnv } from './env'
import { Key, UserId } from './_lib/shared'

export const Body = z.object({
  userId: UserId,
  amount: z
    .number()
    .int()
    .refine(
      (n) => n !== 0 && Math.abs(n) <= 1_000_000_000_000,
      'must not be zero, and at most €1,000,000 either way',
    ),
  reason: Reason,
  key: Key,
})

/** An admin adds or takes credits, with a reason; never below what the user has available. */
export default new Hono<CreditEnv>().post(
  '/admin/adjustments',
  requireUser({ roles: ['admin'] }),
  validate('json', Body),
  async (c) => {
    const b = c.req.valid('json')
    const admin = c.var.user.id
    const tx = await asService(c.var.db, async (sql) => {
      if (!(await userExists(sql, b.userId))) throw new ApiError('NOT_FOUND', 'No such user')
      await lockKey(sql, b.key)
      const replay = await findTransaction(sql, b.key)
      const t = await post(sql, {
        userId: b.userId,
        kind: 'adjustment',
        amount: b.amount,
        key: b.key,
        actor: admin,
        reason: b.reason,
        requestId: c.var.requestId,
      })
      if (!replay)
        await auditAdmin(sql, requestMeta(c), {
          actor: admin,
          action: 'admin.adjustment',
          subjectId: b.userId,
          reason: b.reason,
          before: { balance: t.balanceAfter - t.amount },
          after: { balance: t.balanceAfter },
          details: { transactionId: t.id, amount: b.amount },
        })
      return t
    })
    return c.json(tx, 201)
  },
)

import { Hono } from 'hono'
import { z } from 'zod'
import { lockKey, post, toTransaction } from '../../lib/credit/ledger'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import { type CreditEnv, Key, Micros } from './shared'

export const Body = z.object({ transactionId: z.uuid(), amount: Micros.optional(), reason: z.string().trim().min(3).max(500), key: Key })

/**
 * Gives back credits taken by a debit. Refunds of one debit never add up to more than it took: they queue
 * on a lock for that debit; the same key twice makes one refund.
 */
export default new Hono<CreditEnv>().post('/', requireUser({ roles: ['admin'] }), validate('json', Body), async (c) => {
  const b = c.req.valid('json')
  const admin = c.var.user!.id
  const refund = await asService(c.var.db, async (sql) => {
    await lockKey(sql, `refund-of:${b.transactionId}`)
    const [orig] = await sql(`select * from credit.transactions where id = $1`, [b.transactionId])
    if (!orig) throw new ApiError('NOT_FOUND', 'No such transaction')
    const original = toTransaction(orig)
    if (original.kind !== 'debit') throw new ApiError('BAD_REQUEST', 'Only debits can be refunded')
    const [done] = await sql<{ total: string | null }>(`select sum(amount) as total from credit.transactions where refund_of = $1`, [original.id])
    const refundable = -original.amount - Number(done.total ?? 0)
    const seen = await sql(`select 1 from credit.transactions where idempotency_key = $1`, [b.key])
    const amount = b.amount ?? refundable
    if (!seen.length && (amount > refundable || refundable <= 0))
      throw new ApiError('CONFLICT', 'That is more than is left to refund', { refundable })
    const tx = await post(sql, { userId: original.userId, kind: 'refund', amount, key: b.key, actor: admin, reason: b.reason, requestId: c.var.requestId, refundOf: original.id })
    if (!seen.length) await audit(sql, requestMeta(c), { actor: admin, action: 'admin.refund', subjectId: original.userId, details: { transactionId: tx.id, refundOf: original.id, amount, reason: b.reason } })
    return tx
  })
  return c.json(refund, 201)
})

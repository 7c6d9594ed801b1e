import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import { findTransaction, lockKey, post, toTransaction, type TransactionRow } from './ledger'

/**
 * Gives back credits taken by a debit (all that is left of it when no amount is given). Refunds of one debit
 * queue on a lock for it, so together they never exceed it; the same key twice is one refund (a replay).
 */
export async function refundDebit(
  sql: Sql,
  r: {
    transactionId: string
    amount?: number
    key: string
    actor: string
    reason: string
    requestId?: string
  },
) {
  await lockKey(sql, `refund-of:${r.transactionId}`)
  const [row] = await sql<TransactionRow>(`select * from credit.transactions where id = $1`, [
    r.transactionId,
  ])
  if (!row) throw new ApiError('NOT_FOUND', 'No such transaction')
  const original = toTransaction(row)
  if (original.kind !== 'debit') throw new ApiError('BAD_REQUEST', 'Only debits can be refunded')
  const [done] = await sql<{ total: string | null }>(
    `select sum(amount) as total from credit.transactions where refund_of = $1`,
    [original.id],
  )
  const refundable = -original.amount - Number(done.total ?? 0)
  const replay = (await findTransaction(sql, r.key)) !== null
  const amount = r.amount ?? refundable
  if (!replay && (amount > refundable || refundable <= 0))
    throw new ApiError('CONFLICT', 'That is more than is left to refund', { refundable })
  const tx = await post(sql, {
    userId: original.userId,
    kind: 'refund',
    amount,
    key: r.key,
    actor: r.actor,
    reason: r.reason,
    requestId: r.requestId,
    refundOf: original.id,
  })
  return { tx, original, replay }
}

import type { Sql } from '../db/db'
import { type Kind, toTransaction, type TransactionRow } from './ledger'

type After = { at: Date; id: string } | null

/** A user's ledger newest first, keyset pages on (created_at, id). */
export async function userTransactions(
  sql: Sql,
  userId: string,
  o: { after: After; limit: number },
) {
  const rows = await sql<TransactionRow>(
    `select * from credit.transactions where user_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid))
     order by created_at desc, id desc limit $4`,
    [userId, o.after?.at ?? null, o.after?.id ?? null, o.limit],
  )
  return rows.map(toTransaction)
}

/** A user's whole ledger, oldest first (their data export). */
export async function allUserTransactions(sql: Sql, userId: string) {
  return (
    await sql<TransactionRow>(
      `select * from credit.transactions where user_id = $1 order by created_at, id`,
      [userId],
    )
  ).map(toTransaction)
}

export type Search = {
  userId?: string
  email?: string
  kind?: Kind
  from?: string
  to?: string
  min?: number
  max?: number
  after: After
  limit: number
}

/**
 * Transactions for admins, newest first: every filter optional, keyset pages on (created_at, id). A debit
 * carries what is left to refund of it, so the console offers a refund only while there is some.
 */
export async function searchTransactions(sql: Sql, q: Search) {
  const rows = await sql<TransactionRow & { refunded: string | null }>(
    `select t.*, (select sum(r.amount) from credit.transactions r where r.refund_of = t.id) as refunded
     from credit.transactions t
     where ($1::text is null or t.user_id = $1)
       and ($2::text is null or t.user_id in (select id from public.users where lower(email) = $2))
       and ($3::text is null or t.kind = $3)
       and ($4::timestamptz is null or t.created_at >= $4) and ($5::timestamptz is null or t.created_at < $5)
       and ($6::bigint is null or t.amount >= $6) and ($7::bigint is null or t.amount <= $7)
       and ($8::timestamptz is null or (t.created_at, t.id) < ($8, $9::uuid))
     order by t.created_at desc, t.id desc limit $10`,
    [
      q.userId ?? null,
      q.email ?? null,
      q.kind ?? null,
      q.from ?? null,
      q.to ?? null,
      q.min ?? null,
      q.max ?? null,
      q.after?.at ?? null,
      q.after?.id ?? null,
      q.limit,
    ],
  )
  return rows.map(({ refunded, ...row }) => {
    const t = toTransaction(row)
    return t.kind === 'debit' ? { ...t, refundable: -t.amount - Number(refunded ?? 0) } : t
  })
}

import type { Sql } from '../db/db'
import { ApiError } from '../errors'

export type Kind = 'grant' | 'purchase' | 'debit' | 'refund' | 'adjustment' | 'expiry'
export type Entry = {
  userId: string
  kind: Kind
  amount: number
  key: string
  actor: string
  reason?: string
  requestId?: string
  refundOf?: string
}
export type Transaction = {
  id: string
  userId: string
  kind: Kind
  amount: number
  balanceAfter: number
  key: string
  actor: string
  reason: string
  requestId: string | null
  refundOf: string | null
  createdAt: Date
}
export type Account = {
  userId: string
  userType: 'free' | 'plus' | 'premium'
  balance: number
  held: number
  pending: number
  available: number
}

const num = (v: unknown) => Number(v) // int8 arrives as text; amounts stay far below 2^53 µ€

export type TransactionRow = {
  id: string
  user_id: string
  kind: Kind
  amount: string
  balance_after: string
  idempotency_key: string
  actor: string
  reason: string
  request_id: string | null
  refund_of: string | null
  created_at: Date
}
export const toTransaction = (r: TransactionRow): Transaction => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  amount: num(r.amount),
  balanceAfter: num(r.balance_after),
  key: r.idempotency_key,
  actor: r.actor,
  reason: r.reason,
  requestId: r.request_id,
  refundOf: r.refund_of,
  createdAt: r.created_at,
})
type AccountRow = {
  user_id: string
  user_type: Account['userType']
  comp_type: Account['userType'] | null
  comp_until: Date | null
  balance: string
  held: string
  pending: string
}
const toAccount = (r: AccountRow): Account => {
  const [balance, held, pending] = [num(r.balance), num(r.held), num(r.pending)]
  // A plan given by hand (a comp) is the user's type until it ends; then the paid one is again, with no timer.
  const userType =
    (r.comp_until && r.comp_until.getTime() > Date.now() && r.comp_type) || r.user_type
  return {
    userId: r.user_id,
    userType,
    balance,
    held,
    pending,
    available: balance - held - pending,
  }
}

/** The user's account, created (as free) on first use. */
export async function account(sql: Sql, userId: string, lock = false): Promise<Account> {
  const read = () =>
    sql<AccountRow>(
      `select * from credit.accounts where user_id = $1${lock ? ' for update' : ''}`,
      [userId],
    )
  // Usually one round trip: the row made now or the one there before. A row another transaction made while
  // this statement waited is not in its snapshot: then it is read again.
  const [row] = lock
    ? []
    : await sql<AccountRow>(
        `with made as (insert into credit.accounts (user_id) values ($1) on conflict do nothing returning *)
     select * from made union all select * from credit.accounts where user_id = $1 and not exists (select 1 from made)`,
        [userId],
      )
  if (row) return toAccount(row)
  if (lock)
    await sql(`insert into credit.accounts (user_id) values ($1) on conflict do nothing`, [userId])
  return toAccount((await read())[0])
}

export async function findTransaction(sql: Sql, key: string) {
  const [row] = await sql<TransactionRow>(
    `select * from credit.transactions where idempotency_key = $1`,
    [key],
  )
  return row ? toTransaction(row) : null
}

/** Serialises transactions that use the same idempotency key, so the second sees the first's result. */
export const lockKey = (sql: Sql, key: string) =>
  sql(`select pg_advisory_xact_lock(hashtext($1))`, [key])

/**
 * One ledger row and the balance it changes, in one conditional statement: a debit that the available
 * balance (balance − holds − pending) cannot cover changes nothing and answers 402. A key seen before
 * returns its first row (a replay), whatever the amount now asked.
 */
export async function post(sql: Sql, e: Entry): Promise<Transaction> {
  await lockKey(sql, e.key)
  const seen = await findTransaction(sql, e.key)
  if (seen) return seen
  await account(sql, e.userId)
  const [acct] = await sql<{ balance: string }>(
    `update credit.accounts set balance = balance + $2, updated_at = now()
     where user_id = $1 and balance - held - pending + $2 >= 0 returning balance`,
    [e.userId, e.amount],
  )
  if (!acct) throw new ApiError('PAYMENT_REQUIRED', 'Not enough credits', { needed: -e.amount })
  const [row] = await sql<TransactionRow>(
    `insert into credit.transactions (user_id, kind, amount, balance_after, idempotency_key, actor, reason, request_id, refund_of)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *`,
    [
      e.userId,
      e.kind,
      e.amount,
      acct.balance,
      e.key,
      e.actor,
      e.reason ?? '',
      e.requestId ?? null,
      e.refundOf ?? null,
    ],
  )
  return toTransaction(row)
}

export type Charge = { key: string; userId: string; amount: number; createdAt: Date }

/**
 * Accepts a usage charge in one statement (credit.charge_usage, migration 0028): recorded by key (durable,
 * once), added to pending, and whole multiples of the threshold moved from pending into one ledger debit (the
 * remainder carries over); the user's account is made on first use. A charge the available balance cannot
 * cover changes nothing and answers 402. `release` frees a settled hold's amount in the same update; `cap`
 * charges at most what is then available (a settle: the work was done) instead of refusing. A key seen
 * before answers its first charge, unchanged.
 */
export async function charge(
  sql: Sql,
  c: {
    userId: string
    amount: number
    key: string
    threshold: number
    holdId?: string
    requestId?: string
    release?: number
    cap?: boolean
  },
): Promise<Charge> {
  const [row] = await sql<{
    r_key: string
    r_user: string
    r_amount: string
    r_created_at: Date
    r_applied: boolean
  }>(`select * from credit.charge_usage($1, $2, $3, $4, $5, $6, $7, $8)`, [
    c.key,
    c.userId,
    c.amount,
    c.threshold,
    c.holdId ?? null,
    c.requestId ?? null,
    c.release ?? 0,
    c.cap ?? false,
  ])
  if (!row.r_applied)
    throw new ApiError('PAYMENT_REQUIRED', 'Not enough credits', { needed: c.amount })
  return {
    key: row.r_key,
    userId: row.r_user,
    amount: num(row.r_amount),
    createdAt: row.r_created_at,
  }
}

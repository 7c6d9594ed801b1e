import type { Sql } from '../db/db'
import { ApiError } from '../errors'

export type Kind = 'grant' | 'purchase' | 'debit' | 'refund' | 'adjustment' | 'expiry'
export type Entry = { userId: string; kind: Kind; amount: number; key: string; actor: string; reason?: string; requestId?: string; refundOf?: string }
export type Transaction = { id: string; userId: string; kind: Kind; amount: number; balanceAfter: number; key: string; actor: string; reason: string; requestId: string | null; refundOf: string | null; createdAt: Date }
export type Account = { userId: string; userType: 'free' | 'plus' | 'premium'; balance: number; held: number; pending: number; available: number }

const num = (v: unknown) => Number(v as string) // int8 arrives as text; amounts stay far below 2^53 µ€

export const toTransaction = (r: Record<string, any>): Transaction => ({
  id: r.id, userId: r.user_id, kind: r.kind, amount: num(r.amount), balanceAfter: num(r.balance_after),
  key: r.idempotency_key, actor: r.actor, reason: r.reason, requestId: r.request_id, refundOf: r.refund_of, createdAt: r.created_at,
})
const toAccount = (r: Record<string, any>): Account => {
  const [balance, held, pending] = [num(r.balance), num(r.held), num(r.pending)]
  return { userId: r.user_id, userType: r.user_type, balance, held, pending, available: balance - held - pending }
}

/** The user's account, created (as free) on first use. */
export async function account(sql: Sql, userId: string, lock = false): Promise<Account> {
  await sql(`insert into credit.accounts (user_id) values ($1) on conflict do nothing`, [userId])
  const [row] = await sql(`select * from credit.accounts where user_id = $1${lock ? ' for update' : ''}`, [userId])
  return toAccount(row)
}

export async function findTransaction(sql: Sql, key: string) {
  const [row] = await sql(`select * from credit.transactions where idempotency_key = $1`, [key])
  return row ? toTransaction(row) : null
}

/** Serialises transactions that use the same idempotency key, so the second sees the first's result. */
export const lockKey = (sql: Sql, key: string) => sql(`select pg_advisory_xact_lock(hashtext($1))`, [key])

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
  const [row] = await sql(
    `insert into credit.transactions (user_id, kind, amount, balance_after, idempotency_key, actor, reason, request_id, refund_of)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *`,
    [e.userId, e.kind, e.amount, acct.balance, e.key, e.actor, e.reason ?? '', e.requestId ?? null, e.refundOf ?? null],
  )
  return toTransaction(row)
}

/**
 * Moves whole multiples of the threshold from pending micro-charges into one ledger debit; the sub-threshold
 * remainder stays pending. `key` names what triggered the flush, so a retry cannot post twice.
 */
export async function flushPending(sql: Sql, userId: string, threshold: number, key: string, requestId?: string) {
  const [acct] = await sql<{ balance: string; pending: string }>(
    `select balance, pending from credit.accounts where user_id = $1 for update`,
    [userId],
  )
  const due = Math.floor(num(acct.pending) / threshold) * threshold
  if (due <= 0) return null
  await sql(`update credit.accounts set pending = pending - $2, balance = balance - $2, updated_at = now() where user_id = $1`, [userId, due])
  const [tx] = await sql(
    `insert into credit.transactions (user_id, kind, amount, balance_after, idempotency_key, actor, reason, request_id)
     values ($1, 'debit', $2, $3, $4, 'system', 'usage', $5) returning *`,
    [userId, -due, num(acct.balance) - due, `flush:${key}`, requestId ?? null],
  )
  return toTransaction(tx)
}

export type Charge = { key: string; userId: string; amount: number; createdAt: Date }

/**
 * Accepts a usage charge: recorded by key (durable, once), added to pending, flushed by whole cents. A key
 * seen before answers the first charge, unchanged.
 */
export async function charge(sql: Sql, c: { userId: string; amount: number; key: string; threshold: number; holdId?: string; requestId?: string }): Promise<Charge> {
  const [first] = await sql<Record<string, any>>(
    `insert into credit.charges (idempotency_key, user_id, amount, hold_id, request_id) values ($1, $2, $3, $4, $5)
     on conflict do nothing returning *`,
    [c.key, c.userId, c.amount, c.holdId ?? null, c.requestId ?? null],
  )
  const row = first ?? (await sql<Record<string, any>>(`select * from credit.charges where idempotency_key = $1`, [c.key]))[0]
  const out = { key: row.idempotency_key, userId: row.user_id, amount: num(row.amount), createdAt: row.created_at }
  if (!first || c.amount === 0) return out
  const [ok] = await sql(
    `update credit.accounts set pending = pending + $2, updated_at = now()
     where user_id = $1 and balance - held - pending >= $2 returning user_id`,
    [c.userId, c.amount],
  )
  if (!ok) throw new ApiError('PAYMENT_REQUIRED', 'Not enough credits', { needed: c.amount })
  await flushPending(sql, c.userId, c.threshold, c.key, c.requestId)
  return out
}

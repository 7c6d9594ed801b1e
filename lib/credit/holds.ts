import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import { account, charge, lockKey } from './ledger'

export type Hold = { id: string; userId: string; amount: number; status: 'open' | 'settled' | 'released' | 'expired'; charged: number | null; expiresAt: Date }
const toHold = (r: Record<string, any>): Hold => ({
  id: r.id, userId: r.user_id, amount: Number(r.amount), status: r.status, charged: r.charged === null ? null : Number(r.charged), expiresAt: r.expires_at,
})

/** Releases the user's holds that have expired, each exactly once (the status change is the guard). */
export async function expireHolds(sql: Sql, userId: string, now: number) {
  const rows = await sql<{ amount: string }>(
    `update credit.holds set status = 'expired', closed_at = $2 where user_id = $1 and status = 'open' and expires_at <= $2 returning amount`,
    [userId, new Date(now)],
  )
  const total = rows.reduce((s, r) => s + Number(r.amount), 0)
  if (total) await sql(`update credit.accounts set held = held - $2 where user_id = $1`, [userId, total])
  return rows.length
}

/** Holds an estimate against the available balance; 402 when balance − holds − pending is too low. */
export async function reserve(sql: Sql, o: { userId: string; amount: number; ttlS: number; key: string; now: number }): Promise<Hold> {
  await lockKey(sql, o.key)
  const [seen] = await sql(`select * from credit.holds where idempotency_key = $1`, [o.key])
  if (seen) return toHold(seen)
  await account(sql, o.userId)
  await expireHolds(sql, o.userId, o.now)
  const [ok] = await sql(
    `update credit.accounts set held = held + $2 where user_id = $1 and balance - held - pending >= $2 returning user_id`,
    [o.userId, o.amount],
  )
  if (!ok) throw new ApiError('PAYMENT_REQUIRED', 'Not enough credits for this action', { needed: o.amount })
  const [row] = await sql(
    `insert into credit.holds (user_id, amount, idempotency_key, expires_at) values ($1, $2, $3, $4) returning *`,
    [o.userId, o.amount, o.key, new Date(o.now + o.ttlS * 1000)],
  )
  return toHold(row)
}

async function openHold(sql: Sql, holdId: string, now: number) {
  const [row] = await sql(`select * from credit.holds where id = $1 for update`, [holdId])
  if (!row) throw new ApiError('NOT_FOUND', 'No such hold')
  const hold = toHold(row)
  if (hold.status === 'open' && hold.expiresAt.getTime() <= now) {
    await expireHolds(sql, hold.userId, now)
    hold.status = 'expired'
  }
  return hold
}

/**
 * Charges the actual cost (capped at the hold) and frees the hold. Settling again with the same hold is a
 * replay; settling a released or expired hold is refused.
 */
export async function settle(sql: Sql, o: { holdId: string; actual: number; threshold: number; now: number; requestId?: string }) {
  const hold = await openHold(sql, o.holdId, o.now)
  if (hold.status === 'settled') return hold
  if (hold.status !== 'open') throw new ApiError('CONFLICT', `This hold was ${hold.status}`, { status: hold.status })
  const charged = Math.min(o.actual, hold.amount)
  await sql(`update credit.holds set status = 'settled', charged = $2, closed_at = $3 where id = $1`, [hold.id, charged, new Date(o.now)])
  await sql(`update credit.accounts set held = held - $2 where user_id = $1`, [hold.userId, hold.amount])
  await charge(sql, { userId: hold.userId, amount: charged, key: `hold:${hold.id}`, threshold: o.threshold, holdId: hold.id, requestId: o.requestId })
  return { ...hold, status: 'settled' as const, charged }
}

/** Frees a hold without charging (the paid call failed). Releasing twice is a replay. */
export async function release(sql: Sql, o: { holdId: string; now: number }) {
  const hold = await openHold(sql, o.holdId, o.now)
  if (hold.status === 'released' || hold.status === 'expired') return hold
  if (hold.status === 'settled') throw new ApiError('CONFLICT', 'This hold was settled')
  await sql(`update credit.holds set status = 'released', closed_at = $2 where id = $1`, [hold.id, new Date(o.now)])
  await sql(`update credit.accounts set held = held - $2 where user_id = $1`, [hold.userId, hold.amount])
  return { ...hold, status: 'released' as const }
}

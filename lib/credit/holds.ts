import type { Sql } from '../db/db'
import { ApiError } from '../errors'

export type Hold = {
  id: string
  userId: string
  amount: number
  status: 'open' | 'settled' | 'released' | 'expired'
  charged: number | null
  expiresAt: Date
}
export type HoldRow = {
  id: string
  user_id: string
  amount: string
  status: Hold['status']
  charged: string | null
  expires_at: Date
}
export const toHold = (r: HoldRow): Hold => ({
  id: r.id,
  userId: r.user_id,
  amount: Number(r.amount),
  status: r.status,
  charged: r.charged === null ? null : Number(r.charged),
  expiresAt: r.expires_at,
})

/** The hold, locked; an open one past its expiry is expired here (and stays so: the caller commits). */
export async function lockHold(sql: Sql, holdId: string, now: number) {
  const [row] = await sql<HoldRow>(`select * from credit.holds where id = $1 for update`, [holdId])
  if (!row) throw new ApiError('NOT_FOUND', 'No such hold')
  const hold = toHold(row)
  if (hold.status !== 'open' || hold.expiresAt.getTime() > now) return hold
  await closeHold(sql, hold, 'expired', now)
  return { ...hold, status: 'expired' as const }
}

async function closeHold(sql: Sql, hold: Hold, status: 'released' | 'expired', now: number) {
  await sql(`update credit.holds set status = $2, closed_at = $3 where id = $1`, [
    hold.id,
    status,
    new Date(now),
  ])
  await sql(`update credit.accounts set held = held - $2 where user_id = $1`, [
    hold.userId,
    hold.amount,
  ])
}

/** Frees a hold without charging (the paid call failed). Releasing twice is a replay. */
export async function release(sql: Sql, o: { holdId: string; now: number }) {
  const hold = await lockHold(sql, o.holdId, o.now)
  if (hold.status === 'released' || hold.status === 'expired') return hold
  if (hold.status === 'settled') throw new ApiError('CONFLICT', 'This hold was settled')
  await closeHold(sql, hold, 'released', o.now)
  return { ...hold, status: 'released' as const }
}

/**
 * Expires open holds past their expiry, of every user, up to `limit` at a time. Holds another transaction
 * has locked (being settled, or taken by another credit instance's sweep) are skipped, and accounts are
 * updated in user order, so sweepers on many instances neither wait on nor deadlock with each other.
 */
export async function expireDueHolds(sql: Sql, now: number, limit: number) {
  const due = await sql<{ id: string; user_id: string; amount: string }>(
    `select id, user_id, amount from credit.holds where status = 'open' and expires_at <= $1
     order by expires_at limit $2 for update skip locked`,
    [new Date(now), limit],
  )
  if (!due.length) return 0
  await sql(`update credit.holds set status = 'expired', closed_at = $2 where id = any($1)`, [
    due.map((d) => d.id),
    new Date(now),
  ])
  const byUser = new Map<string, number>()
  for (const d of due) byUser.set(d.user_id, (byUser.get(d.user_id) ?? 0) + Number(d.amount))
  for (const [userId, amount] of [...byUser].sort(([a], [b]) => (a < b ? -1 : 1)))
    await sql(`update credit.accounts set held = held - $2 where user_id = $1`, [userId, amount])
  return due.length
}

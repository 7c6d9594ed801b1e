import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import { type Hold, type HoldRow, lockHold, takeHold, toHold } from './holds'
import { charge } from './ledger'

/** A paid call's answer as stored with its charge, and as every replay serves it. */
export type Stored = { status: number; contentType: string; body: string; cost: number }

type StoredRow = { status: number; content_type: string; body: string; cost: string }
const toStored = (r: StoredRow): Stored => ({
  status: r.status,
  contentType: r.content_type,
  body: r.body,
  cost: Number(r.cost),
})

/**
 * Starts a paid call under the user's key. A new key, or a key whose earlier attempt ended uncharged
 * (failed, or its hold expired), takes a hold: the call runs (for such a key, `rerun`: the earlier attempt
 * may have done the work, so its cached answer is not free). A key whose call was charged answers its
 * stored response; a key whose call is running is 409; a key used for another request is 422.
 */
export async function beginPaid(
  sql: Sql,
  o: {
    userId: string
    key: string
    fingerprint: string
    amount: number
    attempt: string
    expiresAt: Date
    now: number
  },
): Promise<{ hold: Hold; rerun?: true } | { replay: Stored }> {
  // The usual case, a new key with the balance to hold, in one statement: the hold, and the key bound to it.
  const [taken] = await sql<HoldRow & { bound: string }>(
    `with a as (
       update credit.accounts set held = held + $4 where user_id = $1 and balance - held - pending >= $4 returning user_id
     ), h as (
       insert into credit.holds (id, user_id, amount, idempotency_key, expires_at) select $5::uuid, $1::text, $4::bigint, $6::text, $7::timestamptz from a returning *
     ), k as (
       insert into credit.idempotency_keys (user_id, key, fingerprint, hold_id) select $1::text, $2::text, $3::text, id from h on conflict do nothing returning 1
     )
     select h.*, (select count(*) from k) as bound from h`,
    [o.userId, o.key, o.fingerprint, o.amount, o.attempt, `attempt:${o.attempt}`, o.expiresAt],
  )
  if (taken && Number(taken.bound)) return { hold: toHold(taken) }
  if (taken) {
    // The key was there before: give the hold back, then answer for the key.
    await sql(`delete from credit.holds where id = $1`, [taken.id])
    await sql(`update credit.accounts set held = held - $2 where user_id = $1`, [
      o.userId,
      o.amount,
    ])
  }
  const [k] = await sql<
    (StoredRow | { [K in keyof StoredRow]: null }) & {
      fingerprint: string
      hold_status: Hold['status'] | null
      expires_at: Date | null
    }
  >(
    `select k.*, h.status as hold_status, h.expires_at from credit.idempotency_keys k left join credit.holds h on h.id = k.hold_id
     where k.user_id = $1 and k.key = $2 for update of k`,
    [o.userId, o.key],
  )
  if (!k)
    throw new ApiError('PAYMENT_REQUIRED', 'Not enough credits for this action', {
      needed: o.amount,
    })
  if (k.fingerprint !== o.fingerprint)
    throw new ApiError(
      'IDEMPOTENCY_MISMATCH',
      'This Idempotency-Key was used for another request; use a new key for a new request',
    )
  if (k.status !== null) return { replay: toStored(k) }
  if (k.hold_status === 'open' && k.expires_at) {
    const left = Math.ceil((k.expires_at.getTime() - o.now) / 1000)
    throw new ApiError(
      'IDEMPOTENCY_IN_PROGRESS',
      'A request with this Idempotency-Key is still running; try again shortly',
      {
        retryAfter: Math.min(Math.max(left, 1), 5),
      },
    )
  }
  const hold = await takeHold(sql, {
    userId: o.userId,
    amount: o.amount,
    key: `attempt:${o.attempt}`,
    expiresAt: o.expiresAt,
  })
  await sql(`update credit.idempotency_keys set hold_id = $3 where user_id = $1 and key = $2`, [
    o.userId,
    o.key,
    hold.id,
  ])
  return { hold, rerun: true }
}

/** The answer with the cost it was charged: the JSON body's `cost` says the same as the cost header. */
function withCost(r: Omit<Stored, 'cost'>, cost: number): Stored {
  if (!/json/.test(r.contentType)) return { ...r, cost }
  const doc = JSON.parse(r.body)
  if (doc === null || typeof doc !== 'object' || !('cost' in doc) || doc.cost === cost)
    return { ...r, cost }
  return { ...r, body: JSON.stringify({ ...doc, cost }), cost }
}

export type Settled =
  | { outcome: 'settled'; charged: number; overrun: number; response: Stored | null }
  | { outcome: 'expired' }

/**
 * Records a paid call's charge and its answer in one transaction: either both are kept or neither. A hold
 * settled before answers what was stored then (the settle was retried). A hold that expired first is not
 * charged, and stays expired: the call's answer is dropped and the key may run again.
 */
export async function settlePaid(
  sql: Sql,
  o: {
    holdId: string
    actual: number
    response: Omit<Stored, 'cost'>
    threshold: number
    now: number
    requestId?: string
  },
): Promise<Settled> {
  const hold = await lockHold(sql, o.holdId, o.now)
  if (hold.status === 'expired') return { outcome: 'expired' }
  if (hold.status === 'released') throw new ApiError('CONFLICT', 'This hold was released')
  if (hold.status === 'settled') {
    const [k] = await sql<StoredRow>(`select * from credit.idempotency_keys where hold_id = $1`, [
      hold.id,
    ])
    return {
      outcome: 'settled',
      charged: hold.charged ?? 0, // a settled hold always has its charge
      overrun: 0,
      response: k ? toStored(k) : null,
    }
  }
  const { amount: charged } = await charge(sql, {
    userId: hold.userId,
    amount: o.actual,
    key: `hold:${hold.id}`,
    threshold: o.threshold,
    holdId: hold.id,
    requestId: o.requestId,
    release: hold.amount,
    cap: true,
  })
  const response = withCost(o.response, charged)
  await sql(
    `with h as (update credit.holds set status = 'settled', charged = $5, closed_at = $6 where id = $1)
     update credit.idempotency_keys set status = $2, content_type = $3, body = $4, cost = $5 where hold_id = $1`,
    [hold.id, response.status, response.contentType, response.body, response.cost, new Date(o.now)],
  )
  return { outcome: 'settled', charged, overrun: Math.max(0, o.actual - hold.amount), response }
}

/** Forgets keys older than `keepS` (a later request may use such a key again), up to `limit` at a time. */
export async function pruneKeys(sql: Sql, now: number, keepS: number, limit: number) {
  const gone = await sql(
    `delete from credit.idempotency_keys where (user_id, key) in (
       select user_id, key from credit.idempotency_keys where created_at < $1 limit $2 for update skip locked) returning 1`,
    [new Date(now - keepS * 1000), limit],
  )
  return gone.length
}

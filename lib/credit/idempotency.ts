import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import type { GrantCheck } from './grants'
import { type Hold, toHold } from './holds'

/** A paid call's answer as stored with its charge, and as every replay serves it. */
export type Stored = { status: number; contentType: string; body: string; cost: number }

type StoredRow = { status: number; content_type: string; body: string; cost: string }
const toStored = (r: StoredRow): Stored => ({
  status: r.status,
  contentType: r.content_type,
  body: r.body,
  cost: Number(r.cost),
})

type Begun = {
  r_outcome: 'grant' | 'mismatch' | 'replay' | 'in_progress' | 'payment_required' | 'hold' | 'rerun'
  r_id: string
  r_user: string
  r_amount: string
  r_status: Hold['status']
  r_charged: string | null
  r_expires_at: Date
  r_stored_status: number
  r_content_type: string
  r_body: string
  r_cost: string
}

/**
 * Starts a paid call under the user's key, in one statement (credit.begin_paid, migration 0028). A new key,
 * or a key whose earlier attempt ended uncharged (failed, or its hold expired), takes a hold: the call runs
 * (for such a key, `rerun`: the earlier attempt may have done the work, so its cached answer is not free). A
 * key whose call was charged answers its stored response; a key whose call is running is 409; a key used for
 * another request is 422. With `grants`, a user whose monthly grant is due answers `grantDue` and nothing
 * changed: post it (ensureMonthlyGrant), then begin again without `grants`.
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
    grants: GrantCheck | null
  },
): Promise<{ hold: Hold; rerun?: true } | { replay: Stored } | { grantDue: true }> {
  const [r] = await sql<Begun>(
    `select * from credit.begin_paid($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      o.userId,
      o.key,
      o.fingerprint,
      o.amount,
      o.attempt,
      o.expiresAt,
      new Date(o.now),
      o.grants?.period ?? null,
      o.grants && JSON.stringify(o.grants.amounts),
      o.grants?.expires ?? false,
    ],
  )
  switch (r.r_outcome) {
    case 'grant':
      return { grantDue: true }
    case 'mismatch':
      throw new ApiError(
        'IDEMPOTENCY_MISMATCH',
        'This Idempotency-Key was used for another request; use a new key for a new request',
      )
    case 'replay':
      return {
        replay: toStored({
          status: r.r_stored_status,
          content_type: r.r_content_type,
          body: r.r_body,
          cost: r.r_cost,
        }),
      }
    case 'in_progress':
      throw new ApiError(
        'IDEMPOTENCY_IN_PROGRESS',
        'A request with this Idempotency-Key is still running; try again shortly',
        {
          retryAfter: Math.min(
            Math.max(Math.ceil((r.r_expires_at.getTime() - o.now) / 1000), 1),
            5,
          ),
        },
      )
    case 'payment_required':
      throw new ApiError('PAYMENT_REQUIRED', 'Not enough credits for this action', {
        needed: o.amount,
      })
  }
  const hold = toHold({
    id: r.r_id,
    user_id: r.r_user,
    amount: r.r_amount,
    status: r.r_status,
    charged: r.r_charged,
    expires_at: r.r_expires_at,
  })
  return r.r_outcome === 'rerun' ? { hold, rerun: true } : { hold }
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

type SettleRow = {
  r_outcome: 'not_found' | 'short' | 'charged' | Exclude<Hold['status'], 'open'>
  r_charged: string | null
  r_held: string
  r_status: number | null
  r_content_type: string
  r_body: string
  r_cost: string
}

/**
 * Records a paid call's charge and its answer in one statement (credit.settle_paid, migration 0028): either
 * both are kept or neither. A hold settled before answers what was stored then (the settle was retried). A
 * hold that expired first is not charged, and stays expired: the call's answer is dropped and the key may run
 * again. Without `cap`, a charge the balance cannot cover in full changes nothing and answers null: settle
 * again with `cap` in a transaction, which charges what is available and says so in the stored body.
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
    cap?: boolean
  },
): Promise<Settled | null> {
  const asked = withCost(o.response, o.actual)
  const [r] = await sql<SettleRow>(
    `select * from credit.settle_paid($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      o.holdId,
      o.actual,
      asked.status,
      asked.contentType,
      asked.body,
      o.threshold,
      new Date(o.now),
      o.requestId ?? null,
      o.cap ?? false,
    ],
  )
  if (r.r_outcome === 'not_found') throw new ApiError('NOT_FOUND', 'No such hold')
  if (r.r_outcome === 'released') throw new ApiError('CONFLICT', 'This hold was released')
  if (r.r_outcome === 'expired') return { outcome: 'expired' }
  if (r.r_outcome === 'short') return null
  const charged = Number(r.r_charged ?? 0) // a settled hold always has its charge
  const stored =
    r.r_status === null
      ? null
      : toStored({
          status: r.r_status,
          content_type: r.r_content_type,
          body: r.r_body,
          cost: r.r_cost,
        })
  if (r.r_outcome === 'settled')
    return { outcome: 'settled', charged, overrun: 0, response: stored }
  const overrun = Math.max(0, o.actual - Number(r.r_held))
  if (charged === o.actual) return { outcome: 'settled', charged, overrun, response: stored }
  // Capped below the reported cost (only with `cap`, in a transaction): the stored answer says what was charged.
  const response = withCost(o.response, charged)
  await sql(`update credit.idempotency_keys set body = $2 where hold_id = $1`, [
    o.holdId,
    response.body,
  ])
  return { outcome: 'settled', charged, overrun, response }
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

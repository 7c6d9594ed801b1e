import type { ConfigOf } from '../config'
import type { Sql } from '../db/db'
import { ensureMonthlyGrant } from './grants'
import { account, findTransaction, lockKey, post } from './ledger'
import type { PaddleEvent } from './paddle'

type Outcome =
  | { applied: string; userType?: 'free' | 'plus' | 'premium' }
  | { ignored: string }
  | { duplicate: string }

/** Keeps the event once by its id; false when it was seen before (Paddle redelivers). */
export async function recordPaddleEvent(sql: Sql, ev: PaddleEvent, raw: string) {
  const [fresh] = await sql(
    `insert into credit.paddle_events (event_id, event_type, occurred_at, payload) values ($1, $2, $3, $4)
     on conflict do nothing returning event_id`,
    [ev.event_id, ev.event_type, new Date(ev.occurred_at), raw],
  )
  return Boolean(fresh)
}

export async function userExists(sql: Sql, userId: string) {
  return (await sql(`select 1 from public.users where id = $1`, [userId])).length > 0
}

/**
 * A subscription event sets the user type, unless a later event was already applied (an old replay
 * cannot roll the state back). Canceled means free; past_due keeps the plan while Paddle retries payment.
 */
export async function applySubscription(
  sql: Sql,
  config: ConfigOf<'credit'>,
  ev: PaddleEvent,
  userId: string,
): Promise<Outcome> {
  const current = await account(sql, userId, true)
  const [row] = await sql<{ subscription_at: Date | null }>(
    `select subscription_at from credit.accounts where user_id = $1`,
    [userId],
  )
  const at = new Date(ev.occurred_at)
  if (row.subscription_at && row.subscription_at >= at)
    return { ignored: 'older than the state applied' }
  const plan = ev.data.items.map((i) => config.PADDLE_PLAN_PRICES.get(i.price.id)).find(Boolean)
  const status =
    ev.event_type === 'subscription.canceled' ? 'canceled' : (ev.data.status ?? 'active')
  const userType = status === 'canceled' ? 'free' : (plan ?? current.userType)
  await sql(
    `update credit.accounts set user_type = $2, subscription_id = $3, subscription_status = $4, subscription_at = $5, updated_at = now()
     where user_id = $1`,
    [userId, userType, ev.data.id, status, at],
  )
  if (userType !== current.userType)
    await ensureMonthlyGrant(sql, config, { ...current, userType }, at.getTime())
  return { applied: status, userType }
}

/**
 * A completed transaction credits each top-up price it contains, once per Paddle transaction and price:
 * the same transaction under another event id credits nothing more and says so.
 */
export async function applyTopUp(
  sql: Sql,
  config: ConfigOf<'credit'>,
  ev: PaddleEvent,
  userId: string,
): Promise<Outcome> {
  let credited = 0
  let seen = 0
  for (const item of ev.data.items) {
    const amount = config.PADDLE_TOPUP_PRICES.get(item.price.id)
    if (!amount) continue
    const key = `paddle:${ev.data.id}:${item.price.id}`
    await lockKey(sql, key)
    if (await findTransaction(sql, key)) {
      seen++
      continue
    }
    await post(sql, {
      userId,
      kind: 'purchase',
      amount: amount * item.quantity,
      key,
      actor: 'paddle',
      reason: `top-up ${item.price.id} ×${item.quantity}`,
    })
    credited += amount * item.quantity
  }
  if (credited) return { applied: `credited ${credited}` }
  return seen ? { duplicate: 'transaction already credited' } : { ignored: 'no top-up price' }
}

import type { Sql } from '../db/db'
import type { Account } from './ledger'

export type UserType = Account['userType']
export type Plan = {
  /** What the user has now. */
  type: UserType
  /** Where it comes from: a comp given by hand, a Paddle subscription, or neither (free). */
  source: 'manual' | 'paddle' | 'none'
  /** What Paddle says, under a comp too. */
  paid: UserType
  subscription: { id: string; status: string | null; at: Date | null } | null
  comp: { type: UserType; until: Date; reason: string; by: string } | null
}

const PAYING = ['active', 'trialing', 'past_due']

/** The plan of a user and its source (the account must exist: `account()` makes it). */
export async function planOf(sql: Sql, userId: string): Promise<Plan> {
  const [r] = await sql<{
    user_type: UserType
    subscription_id: string | null
    subscription_status: string | null
    subscription_at: Date | null
    comp_type: UserType
    comp_until: Date
    comp_reason: string
    comp_by: string
    comp_live: boolean | null
  }>(
    `select user_type, subscription_id, subscription_status, subscription_at, comp_type, comp_until, comp_reason, comp_by,
            comp_until > now() as comp_live from credit.accounts where user_id = $1`,
    [userId],
  )
  const comp = r.comp_live
    ? { type: r.comp_type, until: r.comp_until, reason: r.comp_reason, by: r.comp_by }
    : null
  const subscription = r.subscription_id
    ? { id: r.subscription_id, status: r.subscription_status, at: r.subscription_at }
    : null
  const paddle = subscription && PAYING.includes(subscription.status ?? '')
  return {
    type: comp?.type ?? r.user_type,
    source: comp ? 'manual' : paddle ? 'paddle' : 'none',
    paid: r.user_type,
    subscription,
    comp,
  }
}

/** Gives a plan by hand until `until`; the paid plan comes back by itself then. */
export async function setComp(
  sql: Sql,
  userId: string,
  c: { type: UserType; until: Date; reason: string; by: string },
) {
  await sql(
    `update credit.accounts set comp_type = $2, comp_until = $3, comp_reason = $4, comp_by = $5, updated_at = now() where user_id = $1`,
    [userId, c.type, c.until, c.reason, c.by],
  )
}

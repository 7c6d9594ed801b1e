import type { ConfigOf } from '../config'
import type { Sql } from '../db/db'
import { type Account, findTransaction, post } from './ledger'

const GRANT = { free: 'GRANT_FREE', plus: 'GRANT_PLUS', premium: 'GRANT_PREMIUM' } as const
const periodOf = (ms: number) => new Date(ms).toISOString().slice(0, 7)

/**
 * With GRANT_EXPIRES: what is left of an earlier month's grants expires when a new month's grant comes.
 * Grants count as spent first: the expiring part is the grant minus that month's usage, never more than
 * is available.
 */
async function expireEarlierGrants(sql: Sql, a: Account, period: string) {
  const rows = await sql<{ period: string; granted: string; spent: string }>(
    `select g.period, g.granted,
            coalesce((select -sum(d.amount) from credit.transactions d where d.user_id = $1 and d.kind = 'debit'
                      and to_char(d.created_at at time zone 'UTC', 'YYYY-MM') = g.period), 0) as spent
     from (select split_part(idempotency_key, ':', 3) as period, sum(amount) as granted from credit.transactions
           where user_id = $1 and kind = 'grant' group by 1) g
     where g.period < $2 and not exists (select 1 from credit.transactions e where e.idempotency_key = 'expiry:' || $1 || ':' || g.period)`,
    [a.userId, period],
  )
  let available = a.available
  for (const r of rows) {
    const amount = Math.min(Math.max(0, Number(r.granted) - Number(r.spent)), available)
    if (amount <= 0) continue
    await post(sql, {
      userId: a.userId,
      kind: 'expiry',
      amount: -amount,
      key: `expiry:${a.userId}:${r.period}`,
      actor: 'system',
      reason: `unused ${r.period} grant`,
    })
    available -= amount
  }
}

/** What credit.begin_paid needs to tell whether ensureMonthlyGrant has work to do for a user (migration 0028). */
export type GrantCheck = {
  period: string
  amounts: Record<keyof typeof GRANT, number>
  expires: boolean
}
export const grantCheck = (config: ConfigOf<'credit'>, now: number): GrantCheck => ({
  period: periodOf(now),
  amounts: { free: config.GRANT_FREE, plus: config.GRANT_PLUS, premium: config.GRANT_PREMIUM },
  expires: config.GRANT_EXPIRES,
})

/** This month's grant for the user's type, posted at most once per user, month and type (its key says which). */
export async function ensureMonthlyGrant(
  sql: Sql,
  config: ConfigOf<'credit'>,
  a: Account,
  now: number,
) {
  const amount = config[GRANT[a.userType]]
  const period = periodOf(now)
  const key = `grant:${a.userId}:${period}:${a.userType}`
  if (amount && (await findTransaction(sql, key))) return null // granted already (and earlier months expired then): every paid call asks
  if (config.GRANT_EXPIRES) await expireEarlierGrants(sql, a, period)
  if (!amount) return null
  return post(sql, {
    userId: a.userId,
    kind: 'grant',
    amount,
    key,
    actor: 'system',
    reason: `monthly ${a.userType} grant ${period}`,
  })
}

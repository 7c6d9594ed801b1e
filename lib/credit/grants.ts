import type { ConfigOf } from '../config'
import type { Sql } from '../db/db'
import { type Account, post } from './ledger'

const GRANT = { free: 'GRANT_FREE', plus: 'GRANT_PLUS', premium: 'GRANT_PREMIUM' } as const

/** This month's grant for the user's type, posted at most once per user and month (its key says which). */
export async function ensureMonthlyGrant(sql: Sql, config: ConfigOf<'credit'>, a: Account, now: number) {
  const amount = config[GRANT[a.userType]]
  if (!amount) return null
  const period = new Date(now).toISOString().slice(0, 7)
  return post(sql, { userId: a.userId, kind: 'grant', amount, key: `grant:${a.userId}:${period}:${a.userType}`, actor: 'system', reason: `monthly ${a.userType} grant ${period}` })
}

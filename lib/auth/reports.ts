import type { Sql } from '../db/db'
import { byDay } from '../days'

const n = (v: unknown) => Number(v ?? 0)

/**
 * Accounts and activity between `from` and `to` (UTC days): sign-ups per day (erased accounts included: they
 * did sign up), active learners per day (got an access token that day), and totals now.
 */
export async function authStats(sql: Sql, from: Date, to: Date) {
  const signups = await sql(
    `select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*) as n from public.users
     where created_at >= $1 and created_at < $2 group by 1`,
    [from, to],
  )
  const active = await sql(
    `select to_char(day, 'YYYY-MM-DD') as day, count(*) as n from auth.active_days where day >= $1::date and day < $2::date group by 1`,
    [from.toISOString().slice(0, 10), to.toISOString().slice(0, 10)],
  )
  const [t] = await sql(
    `select count(*) filter (where status <> 'deleted') as users,
            count(*) filter (where status = 'disabled') as disabled,
            count(*) filter (where status <> 'deleted' and email_verified_at is not null) as verified,
            (select count(distinct user_id) from auth.active_days where day >= $1::date and day < $2::date) as active
     from public.users`,
    [from.toISOString().slice(0, 10), to.toISOString().slice(0, 10)],
  )
  return {
    signups: byDay(signups, (r) => n(r.n)),
    activeLearners: byDay(active, (r) => n(r.n)),
    totals: {
      users: n(t.users),
      disabled: n(t.disabled),
      verified: n(t.verified),
      activeInWindow: n(t.active),
    },
  }
}

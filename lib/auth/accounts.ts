import type { Sql } from '../db/db'
import { newUserId } from '../ids'
import type { UserRole } from '../jwt'
import { ROLE_SQL } from './users'

export type Account = {
  id: string
  email: string
  name: string
  role: UserRole
  status: 'active' | 'locked' | 'disabled' | 'deleted'
  emailVerified: boolean
  passwordHash: string | null
  twoFactor: boolean
  failedLogins: number
  lockouts: number
  lockedUntil: Date | null
}

const SELECT = `select u.id, u.email, u.name, ${ROLE_SQL} as role, u.status, u.email_verified_at, a.password_hash, a.two_factor,
  a.failed_logins, a.lockouts, a.locked_until from public.users u join auth.accounts a on a.user_id = u.id`

type AccountRow = {
  id: string
  email: string
  name: string
  role: UserRole
  status: Account['status']
  email_verified_at: Date | null
  password_hash: string | null
  two_factor: boolean
  failed_logins: number
  lockouts: number
  locked_until: Date | null
}
const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  status: r.status,
  emailVerified: r.email_verified_at !== null,
  passwordHash: r.password_hash,
  twoFactor: r.two_factor,
  failedLogins: r.failed_logins,
  lockouts: r.lockouts,
  lockedUntil: r.locked_until,
})

export const normaliseEmail = (email: string) => email.trim().normalize('NFC').toLowerCase()

export async function findAccountByEmail(sql: Sql, email: string, lock = false) {
  const [row] = await sql<AccountRow>(
    `${SELECT} where lower(u.email) = $1${lock ? ' for update of a' : ''}`,
    [normaliseEmail(email)],
  )
  return row ? toAccount(row) : null
}

export async function findAccount(sql: Sql, id: string, lock = false) {
  const [row] = await sql<AccountRow>(
    `${SELECT} where u.id = $1${lock ? ' for update of a' : ''}`,
    [id],
  )
  return row ? toAccount(row) : null
}

/** A new user with a fresh random id (retried on the rare collision); null when the email is taken. */
export async function createAccount(
  sql: Sql,
  u: { email: string; name: string; passwordHash: string | null },
) {
  const email = normaliseEmail(u.email)
  for (let attempt = 0; attempt < 5; attempt++) {
    const [row] = await sql<{ id: string }>(
      `insert into public.users (id, email, name) values ($1, $2, $3) on conflict do nothing returning id`,
      [newUserId(), email, u.name],
    )
    if (row) {
      await sql(`insert into auth.accounts (user_id, password_hash) values ($1, $2)`, [
        row.id,
        u.passwordHash,
      ])
      const made = await findAccount(sql, row.id)
      if (!made) throw new Error('the new account is not readable in its own transaction')
      return made
    }
    if ((await sql(`select 1 from public.users where lower(email) = $1`, [email])).length)
      return null
  }
  throw new Error('could not find a free user id')
}

export async function setPassword(sql: Sql, userId: string, hash: string) {
  await sql(`update auth.accounts set password_hash = $2, updated_at = now() where user_id = $1`, [
    userId,
    hash,
  ])
}

export const MAX_FAILURES = 5

/**
 * Counts a password check before it runs, so checks in flight count too. `locked` (refuse without checking)
 * while the account is locked or MAX_FAILURES checks are already counted; a success clears the count.
 */
export async function startPasswordCheck(
  sql: Sql,
  userId: string,
  now: number,
): Promise<{ count: number } | { locked: Date }> {
  const [row] = await sql<{ failed_logins: number }>(
    `update auth.accounts set failed_logins = failed_logins + 1
     where user_id = $1 and (locked_until is null or locked_until <= $2) and failed_logins < $3 returning failed_logins`,
    [userId, new Date(now), MAX_FAILURES],
  )
  if (row) return { count: row.failed_logins }
  const [lock] = await sql<{ locked_until: Date | null }>(
    `select locked_until from auth.accounts where user_id = $1`,
    [userId],
  )
  // Without a lock time, MAX_FAILURES checks are running right now: one of them is about to lock or clear.
  return {
    locked:
      lock?.locked_until && lock.locked_until.getTime() > now
        ? lock.locked_until
        : new Date(now + 1000),
  }
}

/**
 * After a wrong password (already counted by startPasswordCheck): the MAX_FAILURES-th locks the account for
 * 2^n minutes (n = locks since the last success, capped at an hour) and starts the count again.
 */
export async function lockIfExhausted(
  sql: Sql,
  userId: string,
  count: number,
  now: number,
): Promise<Date | null> {
  if (count < MAX_FAILURES) return null
  const [row] = await sql<{ until: Date }>(
    `update auth.accounts set failed_logins = 0, lockouts = lockouts + 1,
       locked_until = $2::timestamptz + least(power(2, lockouts), 60) * interval '1 minute'
     where user_id = $1 returning locked_until as until`,
    [userId, new Date(now)],
  )
  return row.until
}

/** A correct password (or a completed reset) clears the failure count, the lock and its doubling. */
export async function clearLoginFailures(sql: Sql, userId: string) {
  await sql(
    `update auth.accounts set failed_logins = 0, lockouts = 0, locked_until = null where user_id = $1`,
    [userId],
  )
}

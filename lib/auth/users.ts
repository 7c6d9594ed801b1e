import type { Sql } from '../db/db'

// Changes to a user's row in public.users (and their 2FA switch), each one statement.

/** The role tokens carry: 'admin' for admins; else a plan given by hand (a comp) until it ends, else the paid one. */
export const ROLE_SQL = `case when u.admin then 'admin' when u.comp_until > now() then u.comp_role else u.role end`

/** The user got an access token today: a day of activity (UTC) and the time last seen. */
export async function recordActivity(sql: Sql, userId: string, now: number) {
  const at = new Date(now)
  await sql(
    `insert into auth.active_days (day, user_id) values (($2::timestamptz at time zone 'UTC')::date, $1) on conflict do nothing`,
    [userId, at],
  )
  await sql(
    `update public.users set last_active_at = $2 where id = $1 and (last_active_at is null or last_active_at < $2)`,
    [userId, at],
  )
}

/**
 * A plan given by hand until `until` (null ends it now). True when that changed it, false when it was so
 * already (the same change sent again), null when there is no such user.
 */
export async function setComp(
  sql: Sql,
  userId: string,
  role: 'user' | 'plus' | 'premium',
  until: Date | null,
) {
  const rows = await sql<{ changed: boolean }>(
    `with old as (select comp_role, comp_until from public.users where id = $1 and status <> 'deleted' for update)
     update public.users u set comp_role = $2, comp_until = $3 from old where u.id = $1
     returning old.comp_role is distinct from u.comp_role or old.comp_until is distinct from u.comp_until as changed`,
    [userId, until && role, until],
  )
  return rows.length ? rows[0].changed : null
}

export async function markEmailVerified(sql: Sql, userId: string, at: Date) {
  await sql(
    `update public.users set email_verified_at = coalesce(email_verified_at, $2) where id = $1`,
    [userId, at],
  )
}

/** Makes the user an admin when their (now proven) address is listed; true when that changed the role. */
export async function promoteListedAdmin(sql: Sql, userId: string, adminEmails: string[]) {
  const rows = await sql(
    `update public.users set admin = true where id = $1 and not admin and lower(email) = any($2) returning id`,
    [userId, adminEmails],
  )
  return rows.length > 0
}

/** Sets the paid type (admins keep their rights apart). Null when there is no such user, else whether it changed. */
export async function setUserType(sql: Sql, userId: string, role: 'user' | 'plus' | 'premium') {
  const rows = await sql(
    `update public.users set role = $2 where id = $1 and role <> $2 returning id`,
    [userId, role],
  )
  if (rows.length) return true
  return (await sql(`select 1 from public.users where id = $1`, [userId])).length ? false : null
}

/** Grants or removes admin rights; the plan in `role` stays as it is. */
export async function setAdmin(sql: Sql, userId: string, admin: boolean) {
  await sql(`update public.users set admin = $2 where id = $1`, [userId, admin])
}

/** False when there is no such user (an erased one included). */
export async function setUserStatus(sql: Sql, userId: string, status: 'active' | 'disabled') {
  return (
    (
      await sql(
        `update public.users set status = $2 where id = $1 and status <> 'deleted' returning id`,
        [userId, status],
      )
    ).length > 0
  )
}

export async function setTwoFactor(sql: Sql, userId: string, enabled: boolean) {
  await sql(`update auth.accounts set two_factor = $2, updated_at = now() where user_id = $1`, [
    userId,
    enabled,
  ])
}

export async function userCreatedAt(sql: Sql, userId: string) {
  const [row] = await sql<{ created_at: Date }>(
    `select created_at from public.users where id = $1`,
    [userId],
  )
  return row?.created_at ?? null
}

/** Erases the user through `public.erase_user` (ledger kept under `pseudonym`); their email, or null if already gone. */
export async function eraseUser(sql: Sql, userId: string, pseudonym: string) {
  const [user] = await sql<{ email: string }>(`select email from public.users where id = $1`, [
    userId,
  ])
  if (user) await sql(`delete from auth.registrations where email = lower($1)`, [user.email]) // sign-ups tried with the address
  const [{ erased }] = await sql<{ erased: boolean }>(
    `select public.erase_user($1, $2) as erased`,
    [userId, pseudonym],
  )
  return erased ? user.email : null
}

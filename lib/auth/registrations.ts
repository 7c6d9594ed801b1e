import { randomDigits } from '../crypto'
import type { Sql } from '../db/db'
import { normaliseEmail } from './accounts'
import { codeHash, MAX_ATTEMPTS, RESEND_COOLDOWN_S } from './codes'

const TTL_S = 86_400

/** A pending sign-up and its 6-digit code (stored hashed with the row id); its time is when the code was sent. */
export async function addRegistration(
  sql: Sql,
  r: { email: string; name: string; passwordHash: string; now: number },
) {
  const id = crypto.randomUUID()
  const code = randomDigits(6)
  const email = normaliseEmail(r.email)
  await sql(
    `insert into auth.registrations (id, email, name, password_hash, code_hash, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      id,
      email,
      r.name,
      r.passwordHash,
      await codeHash(id, code),
      new Date(r.now),
      new Date(r.now + TTL_S * 1000),
    ],
  )
  return { id, code, email, expiresIn: TTL_S }
}

/**
 * A new code for a pending sign-up, at most one a minute: the sign-up moves to a new id (the old code and
 * challenge die) with fresh tries and a fresh day to finish. Null when the sign-up is gone or expired.
 */
export async function renewRegistration(sql: Sql, id: string, now: number) {
  const [row] = await sql<{ email: string; name: string; password_hash: string; created_at: Date }>(
    `select email, name, password_hash, created_at from auth.registrations
     where id = $1 and expires_at > $2 for update`,
    [id, new Date(now)],
  )
  if (!row) return null
  const wait = Math.ceil((row.created_at.getTime() + RESEND_COOLDOWN_S * 1000 - now) / 1000)
  if (wait > 0) return { wait }
  await sql(`delete from auth.registrations where id = $1`, [id])
  return addRegistration(sql, {
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    now,
  })
}

export type Registration = { email: string; name: string; passwordHash: string }

/**
 * Spends a pending sign-up's code: the registration, or why not. Single use, expires, and dies after
 * MAX_ATTEMPTS wrong codes, like the codes of existing accounts.
 */
export async function takeRegistration(
  sql: Sql,
  id: string,
  code: string,
  now: number,
): Promise<{ ok: true; registration: Registration } | { ok: false; dead: boolean }> {
  const [row] = await sql<{
    email: string
    name: string
    password_hash: string
    code_hash: string
    attempts: number
    expires_at: Date
  }>(`select * from auth.registrations where id = $1 for update`, [id])
  if (!row || row.expires_at.getTime() <= now || row.attempts >= MAX_ATTEMPTS)
    return { ok: false, dead: true }
  if ((await codeHash(id, code)) !== row.code_hash) {
    await sql(`update auth.registrations set attempts = attempts + 1 where id = $1`, [id])
    return { ok: false, dead: row.attempts + 1 >= MAX_ATTEMPTS }
  }
  await sql(`delete from auth.registrations where id = $1`, [id]) // single use: the account holds it now
  return {
    ok: true,
    registration: { email: row.email, name: row.name, passwordHash: row.password_hash },
  }
}

/** Pending sign-ups past their expiry (swept at each new one). */
export async function sweepRegistrations(sql: Sql, now: number) {
  await sql(`delete from auth.registrations where expires_at < $1`, [new Date(now)])
}

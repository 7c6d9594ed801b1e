import { randomDigits, randomToken, sha256Hex } from '../crypto'
import type { Sql } from '../db/db'

export type Purpose = 'verify_email' | 'login' | 'reset'
export const CODE_TTL_S: Record<Purpose, number> = { verify_email: 86_400, login: 600, reset: 1800 }
export const MAX_ATTEMPTS = 5
/** A new code of a purpose is mailed at most this often (a typo'd resend click costs no extra mail). */
export const RESEND_COOLDOWN_S = 60

// A 6-digit code is hashed with its row id, so equal codes never share a hash. Reset links carry a
// 256-bit token looked up by its hash.
export const codeHash = (id: string, code: string) => sha256Hex(`${id}:${code}`)

/** A new secret for a user; earlier unused ones of the same purpose stop working. */
export async function issueCode(
  sql: Sql,
  o: { userId: string; purpose: Purpose; now: number; deviceId?: string },
) {
  const id = crypto.randomUUID()
  const secret = o.purpose === 'reset' ? randomToken(32) : randomDigits(6)
  const hash = o.purpose === 'reset' ? await sha256Hex(secret) : await codeHash(id, secret)
  await sql(
    `update auth.codes set used_at = $3 where user_id = $1 and purpose = $2 and used_at is null`,
    [o.userId, o.purpose, new Date(o.now)],
  )
  await sql(
    `insert into auth.codes (id, user_id, purpose, secret_hash, device_id, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      id,
      o.userId,
      o.purpose,
      hash,
      o.deviceId ?? null,
      new Date(o.now),
      new Date(o.now + CODE_TTL_S[o.purpose] * 1000),
    ],
  )
  return { id, secret }
}

/** Seconds until another code of this purpose may be mailed to the user (0: now). */
export async function resendWait(sql: Sql, o: { userId: string; purpose: Purpose; now: number }) {
  const [row] = await sql<{ created_at: Date }>(
    `select created_at from auth.codes where user_id = $1 and purpose = $2 order by created_at desc limit 1`,
    [o.userId, o.purpose],
  )
  return row
    ? Math.max(0, Math.ceil((row.created_at.getTime() + RESEND_COOLDOWN_S * 1000 - o.now) / 1000))
    : 0
}

type CodeRow = {
  id: string
  user_id: string
  secret_hash: string
  device_id: string | null
  attempts: number
  expires_at: Date
  used_at: Date | null
}
export type CodeCheck = { ok: true; userId: string } | { ok: false; userId?: string; dead: boolean }

/**
 * Checks a 6-digit code: the latest of its purpose for the user, or the one with `id` (a login
 * challenge, which must also come from the same device). Single use, expires, and dies after 5 wrong tries.
 */
export async function checkCode(
  sql: Sql,
  o: {
    purpose: 'verify_email' | 'login'
    code: string
    now: number
    userId?: string
    id?: string
    deviceId?: string
  },
): Promise<CodeCheck> {
  const [row] = await sql<CodeRow>(
    o.id
      ? `select * from auth.codes where id = $1 and purpose = $2 for update`
      : `select * from auth.codes where user_id = $1 and purpose = $2 order by created_at desc limit 1 for update`,
    [o.id ?? o.userId, o.purpose],
  )
  if (!row) return { ok: false, dead: true }
  const usable = !row.used_at && row.expires_at.getTime() > o.now && row.attempts < MAX_ATTEMPTS
  if (!usable || (o.purpose === 'login' && row.device_id !== o.deviceId))
    return { ok: false, userId: row.user_id, dead: true }
  if ((await codeHash(row.id, o.code)) !== row.secret_hash) {
    await sql(`update auth.codes set attempts = attempts + 1 where id = $1`, [row.id])
    return { ok: false, userId: row.user_id, dead: row.attempts + 1 >= MAX_ATTEMPTS }
  }
  await sql(`update auth.codes set used_at = $2 where id = $1`, [row.id, new Date(o.now)])
  return { ok: true, userId: row.user_id }
}

/** Spends a reset token: the user it was for, or null if unknown, used or expired. */
export async function useResetToken(sql: Sql, token: string, now: number) {
  const [row] = await sql<{ user_id: string }>(
    `update auth.codes set used_at = $2
     where purpose = 'reset' and secret_hash = $1 and used_at is null and expires_at > $2 returning user_id`,
    [await sha256Hex(token), new Date(now)],
  )
  return row?.user_id ?? null
}

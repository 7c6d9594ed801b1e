import { randomToken, sha256Hex } from '../crypto'
import { audit } from '../db/audit'
import type { Sql } from '../db/db'
import type { RequestMeta } from '../request-meta'
import type { Account } from './accounts'
import type { AuthKit } from './kit'
import { recordActivity } from './users'

export type Tokens = {
  accessToken: string
  refreshToken: string
  expiresIn: number
  /** How long the refresh token lives, so the gateway's cookie lasts as long (REFRESH_TOKEN_TTL_S). */
  refreshExpiresIn: number
  sessionId: string
}

type TokenRow = {
  id: string
  session_id: string
  token_enc: string
  expires_at: Date
  rotated_at: Date | null
  successor_id: string | null
  user_id: string
  device_id: string
  session_expires_at: Date
  revoked_at: Date | null
}

/** A refresh token that lives 7 days but never past its session. */
async function addRefreshToken(sql: Sql, kit: AuthKit, sessionId: string, sessionEnds: Date) {
  const token = randomToken(32)
  const now = kit.now()
  const expires = new Date(
    Math.min(now + kit.config.REFRESH_TOKEN_TTL_S * 1000, sessionEnds.getTime()),
  )
  const [row] = await sql<{ id: string }>(
    `insert into auth.refresh_tokens (session_id, token_hash, token_enc, created_at, expires_at)
     values ($1, $2, $3, $4, $5) returning id`,
    [sessionId, await sha256Hex(token), await kit.cipher.encrypt(token), new Date(now), expires],
  )
  return { id: row.id, token }
}

/** An access token for a session, paired with its current refresh token. */
export async function issueTokens(
  sql: Sql,
  kit: AuthKit,
  user: Pick<Account, 'id' | 'email' | 'name' | 'role'>,
  sessionId: string,
  refreshToken: string,
  meta: RequestMeta,
): Promise<Tokens> {
  const { token, rotated } = await kit.accessToken(sql, { ...user, sessionId })
  if (rotated)
    await audit(sql, meta, {
      actor: 'auth',
      action: 'key.rotated',
      details: { kid: rotated, by: 'schedule' },
    })
  await recordActivity(sql, user.id, kit.now())
  return {
    accessToken: token,
    refreshToken,
    expiresIn: kit.config.ACCESS_TOKEN_TTL_S,
    refreshExpiresIn: kit.config.REFRESH_TOKEN_TTL_S,
    sessionId,
  }
}

/** Signs a user in on a device: a new session, its first refresh token and an access token. */
export async function openSession(
  sql: Sql,
  kit: AuthKit,
  user: Account,
  deviceId: string,
  meta: RequestMeta,
) {
  const now = kit.now()
  const ends = new Date(now + kit.config.SESSION_MAX_AGE_S * 1000)
  const [s] = await sql<{ id: string }>(
    `insert into auth.sessions (user_id, device_id, user_agent, ip, created_at, last_used_at, expires_at)
     values ($1, $2, $3, $4, $5, $5, $6) returning id`,
    [user.id, deviceId, meta.userAgent ?? null, meta.ip ?? null, new Date(now), ends],
  )
  const refresh = await addRefreshToken(sql, kit, s.id, ends)
  return issueTokens(sql, kit, user, s.id, refresh.token, meta)
}

export type RefreshOutcome =
  | { kind: 'ok'; userId: string; sessionId: string; refreshToken: string }
  | { kind: 'refused'; reason: 'unknown' | 'revoked' | 'expired' | 'device' }
  | { kind: 'reuse'; userId: string; sessionId: string }

/**
 * Rotates a refresh token. The row lock makes concurrent refreshes of one token queue: the first rotates,
 * the rest (and any retry within the grace window) get the same successor. A rotated token seen after the
 * grace window means it was stolen or replayed: the caller revokes the whole session.
 */
export async function rotateRefreshToken(
  sql: Sql,
  kit: AuthKit,
  token: string,
  deviceId: string,
): Promise<RefreshOutcome> {
  const now = kit.now()
  const [row] = await sql<TokenRow>(
    `select t.id, t.session_id, t.token_enc, t.expires_at, t.rotated_at, t.successor_id, s.user_id, s.device_id,
            s.expires_at as session_expires_at, s.revoked_at
     from auth.refresh_tokens t join auth.sessions s on s.id = t.session_id
     where t.token_hash = $1 for update of t, s`,
    [await sha256Hex(token)],
  )
  if (!row) return { kind: 'refused', reason: 'unknown' }
  if (row.revoked_at) return { kind: 'refused', reason: 'revoked' }
  if (row.device_id !== deviceId) return { kind: 'refused', reason: 'device' }
  if (row.session_expires_at.getTime() <= now) return { kind: 'refused', reason: 'expired' }
  const ids = { userId: row.user_id, sessionId: row.session_id }
  if (row.rotated_at) {
    if (now - row.rotated_at.getTime() > kit.config.REFRESH_GRACE_S * 1000)
      return { kind: 'reuse', ...ids }
    const [next] = await sql<{ token_enc: string }>(
      `select token_enc from auth.refresh_tokens where id = $1`,
      [row.successor_id],
    )
    return { kind: 'ok', ...ids, refreshToken: await kit.cipher.decrypt(next.token_enc) }
  }
  if (row.expires_at.getTime() <= now) return { kind: 'refused', reason: 'expired' }
  const next = await addRefreshToken(sql, kit, row.session_id, row.session_expires_at)
  await sql(`update auth.refresh_tokens set rotated_at = $2, successor_id = $3 where id = $1`, [
    row.id,
    new Date(now),
    next.id,
  ])
  await sql(`update auth.sessions set last_used_at = $2 where id = $1`, [
    row.session_id,
    new Date(now),
  ])
  return { kind: 'ok', ...ids, refreshToken: next.token }
}

/** Ends sessions of a user: one (`sessionId`) or all. Returns the ids of those that were live. */
export async function revokeSessions(
  sql: Sql,
  userId: string,
  reason: string,
  now: number,
  sessionId?: string,
) {
  const rows = await sql<{ id: string }>(
    `update auth.sessions set revoked_at = $3, revoked_reason = $4
     where user_id = $1 and revoked_at is null and ($2::uuid is null or id = $2) returning id`,
    [userId, sessionId ?? null, new Date(now), reason],
  )
  return rows.map((r) => r.id)
}

/** Whether a session can still be used: not revoked, not past its end, its user not deleted. */
export async function sessionLive(sql: Sql, sessionId: string, now: number) {
  const rows = await sql(
    `select 1 from auth.sessions where id = $1 and revoked_at is null and expires_at > $2`,
    [sessionId, new Date(now)],
  )
  return rows.length > 0
}

export type SessionView = {
  id: string
  deviceId: string
  userAgent: string | null
  ip: string | null
  createdAt: Date
  lastUsedAt: Date
}

export async function liveSessions(sql: Sql, userId: string, now: number): Promise<SessionView[]> {
  const rows = await sql<{
    id: string
    device_id: string
    user_agent: string | null
    ip: string | null
    created_at: Date
    last_used_at: Date
  }>(
    `select id, device_id, user_agent, ip, created_at, last_used_at from auth.sessions
     where user_id = $1 and revoked_at is null and expires_at > $2
       and exists (select 1 from auth.refresh_tokens t where t.session_id = sessions.id and t.rotated_at is null and t.expires_at > $2)
     order by last_used_at desc limit 100`,
    [userId, new Date(now)],
  )
  return rows.map((r) => ({
    id: r.id,
    deviceId: r.device_id,
    userAgent: r.user_agent,
    ip: r.ip,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }))
}

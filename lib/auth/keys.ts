import {
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  type JSONWebKeySet,
  SignJWT,
} from 'jose'
import type { Cipher } from '../crypto'
import { randomToken } from '../crypto'
import type { Sql } from '../db/db'
import { ACCESS_TYP, type UserRole } from '../jwt'
import { cached } from '../cached'

export type KeyPolicy = {
  cipher: Cipher
  rotationDays: number
  publishLeadS: number
  /** The longest access-token lifetime: a retired key stays published this long (plus skew). */
  maxTokenTtlS: number
  now: () => number
}
type KeyRow = { kid: string; private_key_enc: string; activates_at: Date; retire_at: Date | null }

const SKEW_MS = 60_000
const imported = new Map<string, Promise<CryptoKey>>() // kid → private key, per process

/**
 * Adds a signing key. It is published at once and signs from `activates_at` (after the publish lead, so
 * every verifier has it first); the keys before it retire then and stay published until their tokens
 * have expired. `emergency`: sign with the new key now and unpublish the old ones at once.
 */
export async function rotateKey(
  sql: Sql,
  p: KeyPolicy,
  o: { emergency?: boolean; immediate?: boolean; now?: number } = {},
) {
  const now = o.now ?? p.now()
  const activates = new Date(o.emergency || o.immediate ? now : now + p.publishLeadS * 1000)
  const expire = o.emergency
    ? new Date(now)
    : new Date(activates.getTime() + p.maxTokenTtlS * 1000 + SKEW_MS)
  const { publicKey, privateKey } = await generateKeyPair('RS256', {
    extractable: true,
    modulusLength: 2048,
  })
  const kid = randomToken(12)
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }
  await sql(`update auth.signing_keys set retire_at = $1, expire_at = $2 where retire_at is null`, [
    activates,
    expire,
  ])
  await sql(
    `insert into auth.signing_keys (kid, public_jwk, private_key_enc, created_at, activates_at)
     values ($1, $2, $3, $4, $5)`,
    [
      kid,
      JSON.stringify(jwk),
      await p.cipher.encrypt(await exportPKCS8(privateKey)),
      new Date(now),
      activates,
    ],
  )
  return kid
}

/** Every key a verifier may still need. */
export async function publishedKeys(sql: Sql, now: number): Promise<JSONWebKeySet> {
  const rows = await sql<{ public_jwk: JSONWebKeySet['keys'][number] }>(
    `select public_jwk from auth.signing_keys where expire_at is null or expire_at > $1 order by created_at`,
    [new Date(now)],
  )
  return { keys: rows.map((r) => r.public_jwk) }
}

/**
 * The key to sign with now. Creates the first key, and starts a scheduled rotation when the signing key
 * is older than the rotation period (checked on use, so no timer is needed in any runtime).
 */
async function currentKey(
  sql: Sql,
  p: KeyPolicy,
): Promise<{ kid: string; key: CryptoKey; rotated?: string }> {
  const now = p.now()
  const live = async () =>
    sql<KeyRow>(
      `select kid, private_key_enc, activates_at, retire_at from auth.signing_keys
       where retire_at is null or retire_at > $1 order by activates_at desc`,
      [new Date(now)],
    )
  let rows = await live()
  let rotated: string | undefined
  if (!rows.some((r) => r.activates_at.getTime() <= now)) {
    await sql(`select pg_advisory_xact_lock(hashtext('auth.signing_keys'))`) // one first key, not two
    rows = await live()
    if (!rows.length) rotated = await rotateKey(sql, p, { immediate: true, now })
    rows = await live()
  }
  // A first key made under the lock by a sign-up whose clock read later than ours (another instance, or a
  // moment later) is the one key there is: it signs, though it "activates" a little after our `now`.
  const active = rows.find((r) => r.activates_at.getTime() <= now) ?? rows[rows.length - 1]
  const pending = rows.some((r) => r.activates_at.getTime() > now)
  if (!pending && now - active.activates_at.getTime() > p.rotationDays * 86_400_000)
    rotated = await rotateKey(sql, p, { now })
  const key = cached(imported, active.kid, () =>
    p.cipher.decrypt(active.private_key_enc).then((pem) => importPKCS8(pem, 'RS256')),
  )
  return { kid: active.kid, key: await key, rotated }
}

export type AccessSubject = {
  id: string
  email: string
  name: string
  role: UserRole
  sessionId: string
}

/** Signs an access token; `rotated` names a key the schedule just added (for the audit log). */
export async function signAccessToken(
  sql: Sql,
  p: KeyPolicy,
  o: { issuer: string; audience: string; ttlS: number },
  u: AccessSubject,
) {
  const { kid, key, rotated } = await currentKey(sql, p)
  const iat = Math.floor(p.now() / 1000)
  const token = await new SignJWT({ email: u.email, name: u.name, role: u.role, sid: u.sessionId })
    .setProtectedHeader({ alg: 'RS256', kid, typ: ACCESS_TYP })
    .setSubject(u.id)
    .setIssuer(o.issuer)
    .setAudience(o.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + o.ttlS)
    .setJti(randomToken(16))
    .sign(key)
  return { token, rotated }
}

export type KeyState = 'next' | 'current' | 'retiring' | 'expired'

/** The signing keys of the last `days` with their state, for the operations panel (no key material). */
export async function listKeys(sql: Sql, now: number, days = 90) {
  const rows = await sql<{
    kid: string
    created_at: Date
    activates_at: Date
    retire_at: Date | null
    expire_at: Date | null
  }>(
    `select kid, created_at, activates_at, retire_at, expire_at from auth.signing_keys
     where expire_at is null or expire_at > $1::timestamptz - $2::int * interval '1 day' order by activates_at desc`,
    [new Date(now), days],
  )
  let current = false
  return rows.map((r) => {
    const t = (d: Date | null) => d?.getTime() ?? Infinity
    const state: KeyState =
      t(r.activates_at) > now
        ? 'next'
        : !current && t(r.retire_at) > now
          ? 'current'
          : t(r.expire_at) > now
            ? 'retiring'
            : 'expired'
    if (state === 'current') current = true
    return {
      kid: r.kid,
      state,
      published: t(r.expire_at) > now,
      createdAt: r.created_at,
      activatesAt: r.activates_at,
      retireAt: r.retire_at,
      expireAt: r.expire_at,
    }
  })
}

import { PutObjectCommand } from '@aws-sdk/client-s3'
import type { Db, Sql } from '../db/db'
import { randomHex } from '../crypto'
import { serviceStatement } from '../db/tx'
import type { Storage } from '../s3'
import type { ProviderResult } from './types'

export type CacheRow = {
  key: string
  plugin: string
  model: string
  /** The answer of a text operation as JSON text: sent on as it is, never parsed again. */
  result: string | null
  media_key: string | null
  content_type: string | null
  cost: string
}
const COLUMNS = `key, plugin, model, result::text as result, media_key, content_type, cost`

export type HitRequest = {
  key: string
  /** What a hit costs, as a fraction of the call that made it (AI_CACHE_HIT_FRACTION). */
  fraction: number
  /** A paid call's rerun: priced in full (see RERUN_HEADER). */
  rerun: boolean
  /**
   * Only a hit that costs nothing and was not made under this Idempotency-Key (null: none sent); anything
   * else is no hit. The backend asks so before any hold (functions/backend/_lib/free-hit.ts).
   */
  freeOnly?: { paidKey: string | null }
}

/**
 * A cached answer with what it costs (`charged`), in one read; null on a miss. The hit is counted and logged
 * after it was answered (logHit in ./hit-log.ts).
 */
export async function findCached(db: Db, h: HitRequest) {
  const [hit] = await serviceStatement(db)<CacheRow & { charged: string }>(
    `select ${COLUMNS}, case when $2 then cost else floor(cost * $3::numeric + 0.5)::bigint end as charged
       from ai.cache
      where key = $1 and (not $4 or (cost * $3::numeric < 0.5 and ($5::text is null or paid_key is distinct from $5)))`,
    [h.key, h.rerun, h.fraction, h.freeOnly !== undefined, h.freeOnly?.paidKey ?? null],
  )
  return hit ?? null
}

/**
 * Puts media bytes in the bucket under a random name, owned by this learner (ai.media): the name reveals
 * nothing about what made it, and nobody else may fetch it. Answers the key.
 */
export async function storeMedia(
  db: Db,
  s3: Storage,
  userId: string,
  m: { bytes: Uint8Array; contentType: string; ext: string },
) {
  const key = `${randomHex(32)}.${m.ext}`
  await s3.client.send(
    new PutObjectCommand({
      Bucket: s3.bucket,
      Key: key,
      Body: m.bytes,
      ContentType: m.contentType,
    }),
  )
  await serviceStatement(db)(`insert into ai.media (key, user_id) values ($1, $2)`, [key, userId])
  return key
}

/** Stores a learner's answer, replacing an earlier one; its media bytes go to the bucket (storeMedia). */
export async function storeAnswer(
  db: Db,
  s3: Storage,
  a: {
    key: string
    userId: string
    operation: string
    plugin: string
    model: string
    out: ProviderResult
    result: unknown
    cost: number
    /** The Idempotency-Key of the paid call that made it (null: not a paid call). */
    paidKey: string | null
  },
) {
  const mediaKey =
    a.out.kind === 'text'
      ? null
      : await storeMedia(db, s3, a.userId, {
          bytes: a.out.bytes,
          contentType: a.out.contentType,
          ext: a.out.contentType === 'image/png' ? 'png' : 'wav',
        })
  const [row] = await serviceStatement(db)<CacheRow>(
    `insert into ai.cache (key, operation, plugin, model, result, media_key, content_type, cost, paid_key) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (key) do update set result = excluded.result, media_key = excluded.media_key, content_type = excluded.content_type,
         cost = excluded.cost, paid_key = excluded.paid_key, updated_at = now() returning ${COLUMNS}`,
    [
      a.key,
      a.operation,
      a.plugin,
      a.model,
      a.result === null ? null : JSON.stringify(a.result),
      mediaKey,
      a.out.kind === 'text' ? null : a.out.contentType,
      a.cost,
      a.paidKey,
    ],
  )
  return row
}

export type RequestLog = {
  userId: string
  operation: string
  plugin: string
  model: string
  cacheHit: boolean
  usage: object
  cost: number
  latencyMs: number
  outcome: string
  requestId?: string
}

export const logRequest = (db: Db, r: RequestLog) =>
  serviceStatement(db)(
    `insert into ai.requests (user_id, operation, plugin, model, cache_hit, usage, cost, latency_ms, outcome, request_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      r.userId,
      r.operation,
      r.plugin,
      r.model,
      r.cacheHit,
      JSON.stringify(r.usage),
      r.cost,
      r.latencyMs,
      r.outcome,
      r.requestId ?? null,
    ],
  )

/** Drops the cached answers and the owners of these media objects (before the objects are deleted). */
export async function forgetMedia(sql: Sql, keys: string[]) {
  await sql(`delete from ai.cache where media_key = any($1)`, [keys])
  await sql(`delete from ai.media where key = any($1)`, [keys])
}

/** Whether this learner may fetch the media object: they generated it, or (older media) their card uses it. */
export async function ownsMedia(sql: Sql, key: string, userId: string) {
  return (
    (await sql(`select 1 from ai.media where key = $1 and user_id = $2`, [key, userId])).length > 0
  )
}

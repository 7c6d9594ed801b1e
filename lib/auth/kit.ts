import type { ConfigOf } from '../config'
import { createCipher } from '../crypto'
import type { Sql } from '../db/db'
import { type AccessSubject, type KeyPolicy, signAccessToken } from './keys'

/** What auth's handlers share, built once from the role's config and clock. */
export function createAuthKit(config: ConfigOf<'auth'>, now: () => number) {
  const cipher = createCipher(config.KEY_ENCRYPTION_KEY)
  const keys: KeyPolicy = {
    cipher,
    rotationDays: config.KEY_ROTATION_DAYS,
    publishLeadS: config.KEY_PUBLISH_LEAD_S,
    maxTokenTtlS: 1800, // the longest ACCESS_TOKEN_TTL_S allows, so a config change never orphans tokens
    now,
  }
  const tokenOptions = {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlS: config.ACCESS_TOKEN_TTL_S,
  }
  return {
    config,
    cipher,
    keys,
    now,
    accessToken: (sql: Sql, u: AccessSubject) => signAccessToken(sql, keys, tokenOptions, u),
  }
}
export type AuthKit = ReturnType<typeof createAuthKit>

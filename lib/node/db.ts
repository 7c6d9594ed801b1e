import pg from 'pg'
import { createDb, type DbRole } from '../db/db'

/**
 * `url` with `password` put in, percent-encoded: a password may hold any character (`/`, `@`, `:`, `%`…)
 * without the operator encoding it by hand.
 */
export function withPassword(url: string, password?: string) {
  if (!password) return url
  const u = new URL(url)
  u.password = encodeURIComponent(password)
  return u.href
}

/**
 * A pooled database for one service; its work runs as `role` (see asUser/asService). No session settings
 * travel as startup parameters (pgBouncer refuses them): the statement timeout is the login role's own
 * (migration 0013).
 */
export function createPgDb(url: string, role: DbRole, max = 10) {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  })
  pool.on('error', () => {}) // an idle client died: the pool drops it and the next query reconnects
  return createDb({ role, connect: () => pool.connect(), close: () => pool.end() })
}

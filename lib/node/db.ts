import pg from 'pg'
import { createDb, type DbRole } from '../db/db'
import { ApiError } from '../errors'

const CONNECT_TIMEOUT_MS = 5000

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
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
  })
  pool.on('error', () => {}) // an idle client died: the pool drops it and the next query reconnects
  // Every connection busy for CONNECT_TIMEOUT_MS: a load peak, not a fault of the request.
  const connect = () =>
    pool.connect().catch((err: Error) => {
      if (!/timeout exceeded when trying to connect/.test(err.message)) throw err
      throw new ApiError(
        'DATABASE_BUSY',
        'The database is busy, so nothing was done; try again shortly',
        { retryAfter: 1 },
        { cause: err },
      )
    })
  return createDb({
    role,
    loginIsRole: decodeURIComponent(new URL(url).username) === role,
    connect,
    close: () => pool.end(),
  })
}

import pg from 'pg'
import { createDb, type DbRole } from '../db/db'

/** A pooled database for one service; its work runs as `role` (see asUser/asService). */
export function createPgDb(url: string, role: DbRole, max = 10) {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
  })
  pool.on('error', () => {}) // an idle client died: the pool drops it and the next query reconnects
  return createDb({ role, connect: () => pool.connect(), close: () => pool.end() })
}

import { UserId } from '../ids'
import type { Db, Sql } from './db'

// SET LOCAL ROLE matters where the connection is a superuser (PGlite, tests); else it is a no-op. It goes
// with BEGIN in one round trip (the role is one of four fixed names, never input).
const beginAs = (db: Db) => `begin; set local role ${db.role}`

/** One transaction as the service's role, with RLS keyed on app.user_id. Rolls back on throw. */
export function asUser<T>(db: Db, userId: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const id = UserId.parse(userId)
  return db.transaction(async (sql) => {
    await sql(`select set_config('app.user_id', $1, true)`, [id]) // transaction-local: safe behind pgBouncer
    return fn(sql)
  }, beginAs(db))
}

/** One transaction as the service's role with no user: only service-wide policies apply. */
export function asService<T>(db: Db, fn: (sql: Sql) => Promise<T>): Promise<T> {
  return db.transaction(fn, beginAs(db))
}

/**
 * asService for counters and logs only: the commit does not wait for the WAL to reach disk (an fsync, ≈ 4 ms
 * here, most of an AI cache hit's time). A crash of the database server may lose the last fraction of a
 * second of such writes; it never leaves them half done.
 */
export function asServiceUnsynced<T>(db: Db, fn: (sql: Sql) => Promise<T>): Promise<T> {
  return db.transaction(fn, `${beginAs(db)}; set local synchronous_commit = off`)
}

/**
 * One statement as its own transaction, as the service's role: a single round trip when the pool logs in as
 * that role, else wrapped by asService (a superuser login: tests, local mode).
 */
export const serviceStatement =
  (db: Db): Sql =>
  (text, params) =>
    db.loginIsRole ? db.query(text, params) : asService(db, (sql) => sql(text, params))

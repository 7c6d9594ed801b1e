export type Row = Record<string, unknown>
/** A query function: parameterised text in, rows out. Without params it may hold several statements. */
export type Sql = <T = Row>(text: string, params?: unknown[]) => Promise<T[]>

/** What a pg `PoolClient` (Node) or a per-request `Client` (workerd) offers. */
export type Conn = {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>
  release(destroy?: boolean): void
}

export type DbRole = `lingudesk_${'backend' | 'auth' | 'credit' | 'ai'}`

export interface Db {
  /** The database role this service's work runs as (see asUser/asService). */
  readonly role: DbRole
  /** The pool logs in as `role` itself (production), so one statement needs no transaction to run as it. */
  readonly loginIsRole: boolean
  query: Sql
  /** `begin` may carry statements without parameters that open every transaction, in the same round trip. */
  transaction<T>(fn: (sql: Sql) => Promise<T>, begin?: string): Promise<T>
  /** Work that goes on after its request was answered (counts, logs): close() waits for it first. */
  track(work: Promise<unknown>): void
  ping(): Promise<void>
  close(): Promise<void>
}

const sqlOf =
  (conn: Conn): Sql =>
  async <T>(text: string, params?: unknown[]) =>
    (await (params ? conn.query(text, params) : conn.query(text))).rows as T[]

export function createDb(opts: {
  role: DbRole
  loginIsRole?: boolean
  connect: () => Promise<Conn>
  close?: () => Promise<void>
}): Db {
  const { role, connect } = opts
  const tracked = new Set<Promise<unknown>>()
  const withConn = async <T>(fn: (conn: Conn) => Promise<T>) => {
    const conn = await connect()
    let broken = false
    try {
      return await fn(conn)
    } catch (err) {
      broken = !(err instanceof Error && 'severity' in err) // only a server-reported error leaves it usable
      throw err
    } finally {
      conn.release(broken)
    }
  }
  return {
    role,
    loginIsRole: opts.loginIsRole ?? false,
    query: (text, params) => withConn((conn) => sqlOf(conn)(text, params)),
    transaction: (fn, begin = 'begin') =>
      withConn(async (conn) => {
        const sql = sqlOf(conn)
        await sql(begin)
        try {
          const result = await fn(sql)
          await sql('commit')
          return result
        } catch (err) {
          await sql('rollback')
          throw err
        }
      }),
    track(work) {
      const done = work.catch(() => {}).finally(() => tracked.delete(done)) // its owner reports failures
      tracked.add(done)
    },
    ping: async () => void (await withConn((conn) => conn.query('select 1'))),
    close: async () => {
      while (tracked.size) await Promise.all(tracked) // work may queue more work
      await opts.close?.()
    },
  }
}

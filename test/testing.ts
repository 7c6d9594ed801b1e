import pg from 'pg'
import { inject } from 'vitest'
import type { Db, DbRole } from '../lib/db/db'
import { createPgDb } from '../lib/node/db'
import { startPglite } from '../lib/node/embedded'
import { migrateWith } from '../lib/node/migrations'
import { cached } from '../lib/cached'

declare module 'vitest' {
  export interface ProvidedContext {
    dbTemplate: string | null
  }
}

export type TestDatabase = {
  url: string
  /** Connected as the migration owner (a superuser here): bypasses RLS. */
  owner: Db
  /** The pool whose asUser/asService transactions run as this service's role. */
  as(role: DbRole): Db
  close(): Promise<void>
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.href
}

export async function adminQuery(sql: string) {
  const client = new pg.Client(process.env.DATABASE_URL)
  await client.connect()
  try {
    return await client.query(sql)
  } finally {
    await client.end()
  }
}

/**
 * A database of this test's own: with DATABASE_URL, a new database on that server (from the migrated
 * template unless `empty`); without it, an in-memory PGlite. Closed and dropped by `close()`.
 */
export async function testDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  let url: string
  let drop: () => Promise<void>
  if (process.env.DATABASE_URL) {
    const name = `lingudesk_t_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`
    // A platform in a child process (the SPA's component tests) is told the template by its parent.
    const template = opts.empty ? null : process.env.LINGUDESK_DB_TEMPLATE || inject('dbTemplate')
    await adminQuery(`create database ${name}${template ? ` template ${template}` : ''}`)
    url = withDatabase(process.env.DATABASE_URL, name)
    drop = async () => void (await adminQuery(`drop database if exists ${name} with (force)`))
    if (!opts.empty && !template) await migrateWith(url) // a server the test started itself has no template
  } else {
    const embedded = await startPglite()
    url = embedded.url
    drop = embedded.stop
    if (!opts.empty) await migrateWith(url)
  }
  const pools = new Map<DbRole, Db>() // one pool per role, made on first use
  const as = (role: DbRole) => cached(pools, role, () => createPgDb(url, role, 4))
  const owner = createPgDb(url, 'lingudesk_backend', 4)
  return {
    url,
    owner,
    as,
    close: async () => {
      await Promise.all([owner, ...pools.values()].map((p) => p.close()))
      await drop()
    },
  }
}

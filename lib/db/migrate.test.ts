import { afterEach, describe, expect, it } from 'vitest'
import { createPgDb } from '../node/db'
import { startPglite } from '../node/embedded'
import { loadMigrations } from '../node/migrations'
import { testDatabase, type TestDatabase } from '../../test/testing'
import type { Db } from './db'
import { migrate } from './migrate'

const SCHEMAS = ['ai', 'audit', 'auth', 'content', 'credit', 'public']

// Everything the migrations create, as one comparable value.
async function catalog(db: Db) {
  const [tables, policies, triggers, grants] = await Promise.all([
    db.query(
      `select schemaname, tablename, rowsecurity from pg_tables
              where schemaname = any($1) order by 1, 2`,
      [SCHEMAS],
    ),
    db.query(
      `select schemaname, tablename, policyname, roles::text[] from pg_policies order by 1, 2, 3`,
    ),
    db.query(`select tgname from pg_trigger where not tgisinternal order by 1`),
    db.query(`select table_schema, table_name, grantee, privilege_type from information_schema.role_table_grants
              where grantee like 'lingudesk%' order by 1, 2, 3, 4`),
  ])
  return { tables, policies, triggers, grants }
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()))
})

const engines: [string, () => Promise<{ db: Db; close(): Promise<void> }>][] = [
  [
    'PGlite (PostgreSQL 18)',
    async () => {
      const pg = await startPglite()
      const db = createPgDb(pg.url, 'lingudesk_backend', 3)
      return {
        db,
        close: async () => {
          await db.close()
          await pg.stop()
        },
      }
    },
  ],
]
if (process.env.DATABASE_URL)
  engines.push([
    'the PostgreSQL server at DATABASE_URL',
    async () => {
      const t: TestDatabase = await testDatabase({ empty: true })
      return { db: t.owner, close: t.close }
    },
  ])

describe.each(engines)('migrations on %s', (_name, open) => {
  it('apply to an empty database, then a second run changes nothing', async () => {
    const { db, close } = await open()
    cleanups.push(close)
    const migrations = await loadMigrations()
    expect(await migrate(db, migrations)).toEqual(migrations.map((m) => m.name))
    const before = await catalog(db)
    expect(before.tables.map((t) => `${t.schemaname}.${t.tablename}`)).toEqual(
      expect.arrayContaining(['audit.events', 'content.decks', 'public.users']),
    )
    expect(await migrate(db, migrations)).toEqual([])
    expect(await catalog(db)).toEqual(before)
  })

  it('applies each migration once when two roles start at once', async () => {
    const { db, close } = await open()
    cleanups.push(close)
    const migrations = await loadMigrations()
    const runs = await Promise.all([migrate(db, migrations), migrate(db, migrations)])
    expect(runs.flat()).toEqual(migrations.map((m) => m.name))
    const rows = await db.query('select name from public.schema_migrations')
    expect(rows).toHaveLength(migrations.length)
  })

  it('refuses to run when an applied migration was edited', async () => {
    const { db, close } = await open()
    cleanups.push(close)
    const migrations = await loadMigrations()
    await migrate(db, migrations)
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m))
    await expect(migrate(db, edited)).rejects.toThrow(/changed after it was applied/)
  })
})

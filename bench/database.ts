// A migrated database of the benchmark's own: a new one on DATABASE_URL's server (default the local one),
// dropped by `drop()`, so a benchmark never writes into a database someone else uses.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { MIGRATIONS_DIR, migrateWith } from '../lib/node/migrations'

const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

async function adminQuery(sql: string) {
  const c = new pg.Client(admin)
  await c.connect()
  await c.query(sql).finally(() => c.end())
}

export async function benchDatabase() {
  const name = `lingudesk_bench_${randomBytes(4).toString('hex')}`
  await adminQuery(`create database ${name}`)
  const url = Object.assign(new URL(admin), { pathname: `/${name}` }).href
  await migrateWith(url, MIGRATIONS_DIR)
  return {
    url,
    /** The URL as a role's own login, as production connects (`lingudesk_credit`…; a trust server needs no password). */
    loginAs: (role: string) => Object.assign(new URL(url), { username: role, password: '' }).href,
    host: new URL(admin).host,
    drop: () => adminQuery(`drop database if exists ${name} with (force)`),
  }
}

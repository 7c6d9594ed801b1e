import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import pg from 'pg'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateWith } from '../../lib/node/migrations'
import { startPostgresServer } from '../../test/postgres-server'
import { s3FromEnv } from './backup'

// Backups need pg_dump against a real PostgreSQL 15: the CI server, or one this test starts.
let server: { url: string; stop?: () => Promise<void> }
let dir: string
let s3: { server: S3rver; dir: string; env: Record<string, string> }
const names = { source: `lingudesk_bk_${Date.now()}`, fromDir: `lingudesk_rd_${Date.now()}`, fromS3: `lingudesk_rs_${Date.now()}` }
const dbUrl = (name: string) => Object.assign(new URL(server.url), { pathname: `/${name}` }).href

async function sql(name: string, text: string, params: unknown[] = []) {
  const c = new pg.Client(dbUrl(name))
  await c.connect()
  try {
    return (await c.query(text, params)).rows
  } finally {
    await c.end()
  }
}

const cli = (script: string, args: string[], env: Record<string, string> = {}) =>
  new Promise<string>((ok, fail) => {
    const p = spawn('npx', ['tsx', `deploy/db/${script}.ts`, ...args], { env: { ...process.env, ...env } })
    let out = ''
    p.stdout.on('data', (d) => (out += d))
    p.stderr.on('data', (d) => (out += d))
    p.once('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`${script} exited with ${code}: ${out}`))))
  })

beforeAll(async () => {
  server = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : await startPostgresServer()
  dir = await mkdtemp(join(tmpdir(), 'lingudesk-backups-'))
  const s3dir = await mkdtemp(join(tmpdir(), 'lingudesk-s3-'))
  const s3server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3dir })
  const { port } = await s3server.run()
  s3 = { server: s3server, dir: s3dir, env: { S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' } }
  Object.assign(process.env, s3.env) // for s3FromEnv() below; the CLI gets them explicitly
  await s3FromEnv().send(new CreateBucketCommand({ Bucket: 'backups' }))
  await sql('postgres', `create database ${names.source}`)
  await migrateWith(dbUrl(names.source))
  // A populated database: users with decks, cards, reviews and a ledger.
  await sql(names.source, `
    insert into public.users (id, email, name) select lpad(i::text, 10, '0'), 'u' || i || '@example.com', 'User ' || i from generate_series(1, 200) i;
    insert into content.decks (id, user_id, name, source_lang, target_lang)
      select gen_random_uuid(), id, 'Deck', 'de', 'en' from public.users;
    insert into content.cards (user_id, deck_id, front, fsrs, due)
      select d.user_id, d.id, 'word ' || g, '{}', now() from content.decks d, generate_series(1, 25) g;
    insert into credit.accounts (user_id, balance) select id, 500000 - 1234 from public.users;
    insert into credit.transactions (user_id, kind, amount, balance_after, idempotency_key, actor)
      select id, 'grant', 500000, 500000, 'grant:' || id, 'system' from public.users
      union all select id, 'debit', -1234, 498766, 'debit:' || id, id from public.users;
    insert into audit.events (actor, action, subject_id) select id, 'user.register', id from public.users;
  `)
}, 120_000)

afterAll(async () => {
  for (const n of Object.values(names)) await sql('postgres', `drop database if exists ${n} with (force)`).catch(() => {})
  await s3?.server.close()
  await rm(s3?.dir ?? '', { recursive: true, force: true })
  await rm(dir, { recursive: true, force: true })
  await server?.stop?.()
})

async function census(name: string) {
  const tables = await sql(name, `select format('%I.%I', schemaname, tablename) as t from pg_tables
    where schemaname in ('public', 'auth', 'credit', 'ai', 'content', 'audit') order by 1`)
  const counts: Record<string, number> = {}
  for (const { t } of tables) counts[t] = Number((await sql(name, `select count(*) as n from ${t}`))[0].n)
  const [{ total }] = await sql(name, `select sum(amount)::text as total from credit.transactions`)
  return { counts, ledgerTotal: total }
}

describe('backup and restore', () => {
  it('backs up to a folder with retention, restores into a new database with the same rows, ledger, RLS and rules', async () => {
    for (let i = 0; i < 3; i++) await cli('backup', ['--to', dir, '--keep', '2', '--db', dbUrl(names.source)])
    const kept = (await readdir(dir)).sort()
    expect(kept).toHaveLength(2)
    await sql('postgres', `create database ${names.fromDir}`)
    await cli('restore', ['--from', join(dir, kept[1]), '--into', dbUrl(names.fromDir)])
    const before = await census(names.source)
    expect(before.counts['content.cards']).toBe(5000)
    expect(before.ledgerTotal).toBe(String(200 * (500000 - 1234)))
    expect(await census(names.fromDir)).toEqual(before)
    const [rls] = await sql(names.fromDir, `select relrowsecurity, relforcerowsecurity from pg_class where oid = 'content.cards'::regclass`)
    expect(rls).toEqual({ relrowsecurity: true, relforcerowsecurity: true })
    await expect(sql(names.fromDir, `update credit.transactions set amount = 1`)).rejects.toThrow(/append-only/)
  })

  it('backs up to an S3 bucket with retention and restores from it', async () => {
    for (let i = 0; i < 2; i++) await cli('backup', ['--to', 's3://backups/nightly', '--keep', '1', '--db', dbUrl(names.source)], s3.env)
    const listed = (await s3FromEnv().send(new ListObjectsV2Command({ Bucket: 'backups', Prefix: 'nightly/' }))).Contents ?? []
    expect(listed).toHaveLength(1)
    await sql('postgres', `create database ${names.fromS3}`)
    await cli('restore', ['--from', `s3://backups/${listed[0].Key}`, '--into', dbUrl(names.fromS3)], s3.env)
    expect(await census(names.fromS3)).toEqual(await census(names.source))
  })
})

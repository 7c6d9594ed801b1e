import { spawn } from 'node:child_process'
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import pg from 'pg'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateWith } from '../../lib/node/migrations'
import { startPostgresServer } from '../../test/postgres-server'
import { bundleOps } from '../build'
import { s3FromEnv } from './dumps'
import { must } from '../../test/must'

// Backups as the ops image runs them: the built bundles (backup.mjs, restore.mjs, migrate.mjs) in a folder of their
// own, run by node with no repository and no tsx, pg_dump against a real PostgreSQL 15 (CI's, or one this test
// starts), restored onto a fresh cluster this test makes with initdb, where no lingudesk_* role exists yet.
let source: { url: string; stop?: () => Promise<void> }
let fresh: Awaited<ReturnType<typeof startPostgresServer>>
let ops: string
let dir: string
let s3: { server: S3rver; dir: string; env: Record<string, string> }
const stamp = Date.now()
const names = { source: `lingudesk_bk_${stamp}`, migrated: `lingudesk_mg_${stamp}` }
const at = (server: string, name: string) =>
  Object.assign(new URL(server), { pathname: `/${name}` }).href

async function sql(url: string, text: string, params: unknown[] = []) {
  const c = new pg.Client(url)
  await c.connect()
  try {
    return (await c.query(text, params)).rows
  } finally {
    await c.end()
  }
}

const node = (bundle: string, args: string[], env: Record<string, string> = {}) =>
  new Promise<string>((ok, fail) => {
    const p = spawn(process.execPath, [join(ops, bundle), ...args], {
      cwd: ops,
      env: { PATH: must(process.env.PATH), ...env },
    })
    let out = ''
    p.stdout.on('data', (d) => (out += d))
    p.stderr.on('data', (d) => (out += d))
    p.once('exit', (code) =>
      code === 0 ? ok(out) : fail(new Error(`${bundle} exited with ${code}: ${out}`)),
    )
  })

beforeAll(async () => {
  ;[source, fresh] = await Promise.all([
    process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : startPostgresServer(),
    startPostgresServer(),
  ])
  dir = await mkdtemp(join(tmpdir(), 'lingudesk-backups-'))
  ops = await mkdtemp(join(tmpdir(), 'lingudesk-ops-'))
  await bundleOps(ops)
  await cp(
    join(import.meta.dirname, '..', '..', 'lib', 'db', 'migrations'),
    join(ops, 'migrations'),
    { recursive: true },
  )
  const s3dir = await mkdtemp(join(tmpdir(), 'lingudesk-s3-'))
  const s3server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3dir })
  const { port } = await s3server.run()
  s3 = {
    server: s3server,
    dir: s3dir,
    env: {
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    },
  }
  Object.assign(process.env, s3.env) // for s3FromEnv() below; the bundles get them explicitly
  await s3FromEnv().send(new CreateBucketCommand({ Bucket: 'backups' }))
  await sql(source.url, `create database ${names.source}`)
  await migrateWith(at(source.url, names.source))
  // A populated database: users with decks, cards, reviews and a ledger.
  await sql(
    at(source.url, names.source),
    `
    insert into public.users (id, email, name) select lpad(i::text, 10, '0'), 'u' || i || '@example.com', 'User ' || i from generate_series(1, 200) i;
    insert into content.decks (id, user_id, name, source_lang, target_lang)
      select gen_random_uuid(), id, 'Deck', 'de', 'en' from public.users;
    insert into content.notes (id, user_id, deck_id, type, fields)
      select md5(d.id || '-' || g)::uuid, d.user_id, d.id, 'basic', jsonb_build_object('front', 'word ' || g, 'back', '')
      from content.decks d, generate_series(1, 25) g;
    insert into content.cards (user_id, deck_id, note_id, front, fsrs, due)
      select d.user_id, d.id, md5(d.id || '-' || g)::uuid, 'word ' || g, '{}', now() from content.decks d, generate_series(1, 25) g;
    insert into credit.accounts (user_id, balance) select id, 500000 - 1234 from public.users;
    insert into credit.transactions (user_id, kind, amount, balance_after, idempotency_key, actor)
      select id, 'grant', 500000, 500000, 'grant:' || id, 'system' from public.users
      union all select id, 'debit', -1234, 498766, 'debit:' || id, id from public.users;
    insert into audit.events (actor, action, subject_id) select id, 'user.register', id from public.users;
  `,
  )
}, 180_000)

afterAll(async () => {
  for (const n of Object.values(names))
    await sql(at(source.url, 'postgres'), `drop database if exists ${n} with (force)`).catch(
      () => {},
    )
  await s3?.server.close()
  for (const d of [s3?.dir, dir, ops]) await rm(d ?? '', { recursive: true, force: true })
  await fresh?.stop()
  await source?.stop?.()
})

async function census(url: string) {
  const tables = await sql(
    url,
    `select format('%I.%I', schemaname, tablename) as t from pg_tables
    where schemaname in ('public', 'auth', 'credit', 'ai', 'content', 'audit') and tablename <> 'backups' order by 1`,
  )
  const counts: Record<string, number> = {}
  for (const { t } of tables)
    counts[t] = Number((await sql(url, `select count(*) as n from ${t}`))[0].n)
  const [{ total }] = await sql(url, `select sum(amount)::text as total from credit.transactions`)
  return { counts, ledgerTotal: total }
}

describe('backup and restore from the built bundles', () => {
  it('backs up to a folder with retention, and restores onto a fresh PostgreSQL 15 cluster with roles, rows, RLS and rules', async () => {
    for (let i = 0; i < 3; i++)
      await node('backup.mjs', ['--to', dir, '--keep', '2'], {
        DATABASE_URL: at(source.url, names.source),
      })
    const kept = (await readdir(dir)).sort()
    expect(kept.map((n) => n.replace(/^lingudesk-[\dTZ-]+/, ''))).toEqual([
      '.dump',
      '.roles.sql',
      '.dump',
      '.roles.sql',
    ])
    const [{ n }] = await sql(
      at(source.url, names.source),
      'select count(*)::int as n from public.backups',
    )
    expect(n).toBe(3) // every role exports the newest as backup_last_success_timestamp_seconds

    // The documented bootstrap: an empty database on the new server, then restore.mjs (roles first, then the dump).
    expect(
      await sql(fresh.url, `select rolname from pg_roles where rolname like 'lingudesk_%'`),
    ).toEqual([])
    await sql(fresh.url, 'create database lingudesk')
    await node('restore.mjs', ['--from', join(dir, kept[2]), '--into', at(fresh.url, 'lingudesk')])
    const restored = at(fresh.url, 'lingudesk')
    const before = await census(at(source.url, names.source))
    expect(before.counts['content.cards']).toBe(5000)
    expect(before.ledgerTotal).toBe(String(200 * (500000 - 1234)))
    expect(await census(restored)).toEqual(before)
    const [rls] = await sql(
      restored,
      `select relrowsecurity, relforcerowsecurity from pg_class where oid = 'content.cards'::regclass`,
    )
    expect(rls).toEqual({ relrowsecurity: true, relforcerowsecurity: true })
    await expect(sql(restored, `update credit.transactions set amount = 1`)).rejects.toThrow(
      /append-only/,
    )
    const [role] = await sql(
      fresh.url,
      `select rolcanlogin, rolsuper, rolbypassrls, pg_has_role('lingudesk_backend', 'lingudesk_app', 'member') as app,
      (select setconfig from pg_db_role_setting s where s.setrole = r.oid and s.setdatabase = 0) as settings from pg_roles r where rolname = 'lingudesk_backend'`,
    )
    expect(role).toEqual({
      rolcanlogin: true,
      rolsuper: false,
      rolbypassrls: false,
      app: true,
      settings: ['statement_timeout=15s'],
    })
  })

  it('backs up to an S3 bucket with retention and restores from it', async () => {
    for (let i = 0; i < 2; i++)
      await node(
        'backup.mjs',
        ['--to', 's3://backups/nightly', '--keep', '1', '--db', at(source.url, names.source)],
        s3.env,
      )
    const listed = (
      (await s3FromEnv().send(new ListObjectsV2Command({ Bucket: 'backups', Prefix: 'nightly/' })))
        .Contents ?? []
    )
      .map((o) => must(o.Key))
      .sort()
    expect(listed.map((k) => k.replace(/lingudesk-[\dTZ-]+/, ''))).toEqual([
      'nightly/.dump',
      'nightly/.roles.sql',
    ])
    await sql(fresh.url, 'create database from_s3')
    await node(
      'restore.mjs',
      ['--from', `s3://backups/${listed[0]}`, '--into', at(fresh.url, 'from_s3')],
      s3.env,
    )
    expect(await census(at(fresh.url, 'from_s3'))).toEqual(
      await census(at(source.url, names.source)),
    )
  })

  it('migrates an empty database with migrate.mjs, the owner’s password from its own variable', async () => {
    await sql(at(source.url, 'postgres'), `create database ${names.migrated}`)
    const out = await node('migrate.mjs', [], {
      MIGRATION_DATABASE_URL: at(source.url, names.migrated),
      MIGRATION_DATABASE_PASSWORD: 'unused/with trust:auth',
    })
    expect(JSON.parse(must(out.trim().split('\n').at(-1)))).toMatchObject({
      msg: 'migrated',
      applied: expect.arrayContaining(['0001_foundation.sql', '0013_service_logins.sql']),
    })
  })
})

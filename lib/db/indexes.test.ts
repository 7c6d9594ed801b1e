import { createEmptyCard } from 'ts-fsrs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dueQueue } from '../content/study'
import { type TestDatabase, testDatabase } from '../../test/testing'
import type { Sql } from './db'
import { asUser } from './tx'

// Each hot query is answered from its index on tables with realistic row counts, never by a scan.
let t: TestDatabase
beforeAll(async () => {
  t = await testDatabase()
  // The month partitions a platform running since last month has: migrations make them from today on, so on
  // the first of a month the rows of the day before below would land in the default partition.
  await t.owner.query(
    `select public.create_month_partitions(t, (now() - interval '2 days')::date, now()::date)
       from unnest(array['audit.events', 'ai.requests']::regclass[]) t`,
  )
  await t.owner.query(`
    insert into public.users (id, email, name) select lpad(i::text, 10, '0'), 'u' || i || '@example.com', 'U' from generate_series(1, 2000) i;
    insert into content.decks (id, user_id, name, source_lang, target_lang)
      select ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, lpad(i::text, 10, '0'), 'Deck', 'de', 'en' from generate_series(1, 2000) i;
    insert into content.notes (id, user_id, deck_id, type, fields)
      select md5(d.id || '-' || g)::uuid, d.user_id, d.id, 'reversed', '{"front": "w", "back": "v"}' from content.decks d, generate_series(1, 25) g;
    insert into credit.transactions (user_id, kind, amount, balance_after, idempotency_key, actor, created_at)
      select lpad((1 + g % 2000)::text, 10, '0'), 'debit', -100, 1000, 'k' || g, 'system', now() - g * interval '1 second'
      from generate_series(1, 100000) g;
    insert into audit.events (actor, action, subject_id, at)
      select 'auth', 'user.login', lpad((1 + g % 2000)::text, 10, '0'), now() - g * interval '1 second' from generate_series(1, 100000) g;
    insert into ai.requests (user_id, operation, plugin, model, cache_hit, cost, latency_ms, outcome, created_at)
      select lpad((1 + g % 2000)::text, 10, '0'), 'translate', 'deepseek', 'deepseek-chat', false, 600, 900, 'ok', now() - g * interval '1 second'
      from generate_series(1, 50000) g;
    insert into ai.cache (key, operation, plugin, model, result, cost)
      select encode(sha256(g::text::bytea), 'hex'), 'translate', 'deepseek', 'deepseek-chat', '{}', 10 from generate_series(1, 50000) g;
    insert into auth.sessions (id, user_id, device_id, created_at, last_used_at, expires_at)
      select ('10000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, lpad((1 + g % 2000)::text, 10, '0'), 'device-' || g, now(), now(), now() + interval '90 days'
      from generate_series(1, 20000) g;
    insert into auth.refresh_tokens (session_id, token_hash, token_enc, created_at, expires_at)
      select ('10000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, encode(sha256(('t' || g)::bytea), 'hex'), 'x', now(), now() + interval '7 days'
      from generate_series(1, 20000) g;
  `)
  await t.owner.query(
    `insert into content.cards (user_id, deck_id, note_id, ord, front, fsrs, due, state, created_at, suspended, buried_until, sibling_buried_until)
       select d.user_id, d.id, md5(d.id || '-' || (g + 1) / 2)::uuid, g % 2, 'w' || g, $1, now() + (g - 25) * interval '1 day', g % 4,
              now() - g * interval '1 minute', g % 10 = 3, case when g % 10 = 5 then now() + interval '1 day' end,
              case when g % 10 = 6 then now() + interval '1 day' end
       from content.decks d, generate_series(1, 50) g`,
    [JSON.stringify(createEmptyCard(new Date()))],
  )
  await t.owner.query('vacuum analyze') // as autovacuum leaves tables: index-only scans need no heap visit
}, 120_000)
afterAll(() => t?.close())

type PlanNode = {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Actual Rows': number
  'Actual Loops': number
  'Heap Fetches'?: number
  Plans?: PlanNode[]
}
type Explained = { 'QUERY PLAN': [{ Plan: PlanNode }] }
const EXPLAIN = 'explain (analyze, format json)'
const nodesOf = (row: Explained) => {
  const nodes: PlanNode[] = []
  const walk = (n: PlanNode) => (nodes.push(n), n.Plans?.forEach(walk))
  walk(row['QUERY PLAN'][0].Plan)
  return nodes
}
async function plan(query: string) {
  const [row] = await t.owner.query<Explained>(`${EXPLAIN} ${query}`)
  const nodes = nodesOf(row)
  return {
    indexes: nodes.map((n) => n['Index Name']).filter(Boolean),
    scanned: nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']),
  }
}

const user = "'0000000042'"

describe('hot queries use their indexes', () => {
  it.each([
    [
      'a user’s ledger page',
      `select * from credit.transactions where user_id = ${user} order by created_at desc, id desc limit 51`,
      'transactions_user_created',
    ],
    [
      'audit events about a user since a time',
      `select * from audit.events where subject_id = ${user} and at >= now() - interval '7 days' and at < now() order by at`,
      /^events_\d{4}_\d{2}_subject_id_at_idx$/,
    ], // pruned to the months asked for
    [
      'a user’s AI calls this week',
      `select * from ai.requests where user_id = ${user} and created_at >= now() - interval '7 days' and created_at < now()`,
      /^requests_\d{4}_\d{2}_user_id_created_at_idx$/,
    ],
    [
      'AI cache lookup',
      `select * from ai.cache where key = encode(sha256('4242'::bytea), 'hex')`,
      'cache_pkey',
    ],
    [
      'refresh-token lookup',
      `select t.id, s.user_id from auth.refresh_tokens t join auth.sessions s on s.id = t.session_id where t.token_hash = encode(sha256('t4242'::bytea), 'hex')`,
      'refresh_tokens_token_hash_key',
    ],
    [
      'a user’s sessions',
      `select id from auth.sessions where user_id = ${user} order by created_at`,
      'sessions_user',
    ],
  ])('%s', async (_name, query, index) => {
    const p = await plan(query)
    if (typeof index === 'string') expect(p.indexes).toContain(index)
    else
      expect(p.indexes.length > 0 && p.indexes.every((i) => i !== undefined && index.test(i))).toBe(
        true,
      )
    expect(p.scanned).toEqual([])
  })
})

/** The plan nodes of every query `fn` makes as the user (under RLS), each explained before it runs. */
async function plansOf(userId: string, fn: (sql: Sql) => Promise<unknown>) {
  const nodes: PlanNode[] = []
  await asUser(t.as('lingudesk_backend'), userId, (sql) =>
    fn((async (text: string, params?: unknown[]) => {
      nodes.push(...nodesOf((await sql<Explained>(`${EXPLAIN} ${text}`, params))[0]))
      return sql(text, params)
    }) as Sql),
  )
  return nodes
}

/** The query plpgsql function content.`name` returns, with its parameters p_now, p_deck, p_limit as $1, $2, $3. */
async function functionQuery(name: string) {
  const [{ src }] = await t.owner.query<{ src: string }>(
    `select prosrc as src from pg_proc where oid = ('content.' || $1)::regproc`,
    [name],
  )
  return (/return query([\s\S]*);\s*end/.exec(src)?.[1] ?? '')
    .replace(/\bp_now\b/g, '$1::timestamptz')
    .replace(/\bp_deck\b/g, '$2::uuid')
    .replace(/\bp_limit\b/g, '$3::int')
}

describe('the study queue', () => {
  it('picks and counts cards from the due and new indexes alone, and reads whole only those it returns', async () => {
    await asUser(t.as('lingudesk_backend'), '0000000042', async (sql) => {
      expect((await dueQueue(sql, { now: new Date(), limit: 5 })).cards).toHaveLength(5)
    })
    // EXPLAIN stops at a function's edge: the queries the queue's functions run are explained as statements
    // (read first: under PGlite a second connection waits for the transaction).
    const counts = await functionQuery('today_counts')
    const queue = await functionQuery('due_queue')
    const nodes = await plansOf('0000000042', async (sql) => {
      await sql(counts, [new Date(), null])
      await sql(queue, [new Date(), null, 5])
    })
    const cards = nodes.filter((n) => n['Relation Name'] === 'cards')
    // A whole card is read by its id: through the primary key or the (id, user_id) key, the user being a
    // per-statement constant under RLS (0030).
    const byId = (n: PlanNode) => ['cards_pkey', 'cards_id_user'].includes(`${n['Index Name']}`)
    expect(
      new Set(cards.map((n) => `${n['Node Type']} ${byId(n) ? 'by id' : n['Index Name']}`)),
    ).toEqual(
      new Set([
        'Index Only Scan cards_deck_due',
        'Index Only Scan cards_deck_new',
        'Index Scan by id',
      ]),
    )
    expect(cards.filter((n) => n['Heap Fetches']).length).toBe(0)
    const whole = cards.filter(byId)
    expect(whole.reduce((sum, n) => sum + n['Actual Rows'] * n['Actual Loops'], 0)).toBe(5)
    const scanned = nodes.filter(
      (n) =>
        n['Node Type'] === 'Seq Scan' &&
        ['cards', 'notes', 'decks'].includes(`${n['Relation Name']}`),
    )
    expect(scanned).toEqual([])
  })
})

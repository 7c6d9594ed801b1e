import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestDatabase, testDatabase } from '../../test/testing'

// Each hot query is answered from its index on tables with realistic row counts, never by a scan.
let t: TestDatabase
beforeAll(async () => {
  t = await testDatabase()
  await t.owner.query(`
    insert into public.users (id, email, name) select lpad(i::text, 10, '0'), 'u' || i || '@example.com', 'U' from generate_series(1, 2000) i;
    insert into content.decks (id, user_id, name, source_lang, target_lang)
      select ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, lpad(i::text, 10, '0'), 'Deck', 'de', 'en' from generate_series(1, 2000) i;
    insert into content.cards (user_id, deck_id, front, fsrs, due, state, created_at)
      select d.user_id, d.id, 'w' || g, '{}', now() + (g - 25) * interval '1 day', g % 4, now() - g * interval '1 minute'
      from content.decks d, generate_series(1, 50) g;
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
    analyze;
  `)
}, 120_000)
afterAll(() => t?.close())

type PlanNode = {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  Plans?: PlanNode[]
}
async function plan(query: string) {
  const [row] = await t.owner.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `explain (analyze, format json) ${query}`,
  )
  const nodes: PlanNode[] = []
  const walk = (n: PlanNode) => (nodes.push(n), n.Plans?.forEach(walk))
  walk(row['QUERY PLAN'][0].Plan)
  return {
    indexes: nodes.map((n) => n['Index Name']).filter(Boolean),
    scanned: nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']),
  }
}

const deck = "'00000000-0000-0000-0000-000000000042'"
const user = "'0000000042'"

describe('hot queries use their indexes', () => {
  it.each([
    [
      'due reviews of a deck',
      `select id from content.cards where deck_id = ${deck} and state <> 0 and due <= now() and not suspended order by due, id limit 50`,
      'cards_deck_due',
    ],
    [
      'new cards of a deck',
      `select id from content.cards where deck_id = ${deck} and state = 0 and not suspended order by created_at, id limit 20`,
      'cards_deck_new',
    ],
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

// p99 of fetching the due queue for one user with 100,000 cards (real PostgreSQL, DATABASE_URL or local).
import pg from 'pg'
import { createEmptyCard } from 'ts-fsrs'
import { dueQueue } from '../lib/content/study'
import type { Db } from '../lib/db/db'
import { asUser } from '../lib/db/tx'
import { newUserId } from '../lib/ids'
import { createPgDb } from '../lib/node/db'
import { cpuMs } from './cpu'
import { benchDatabase } from './database'
import { record } from './results'

const CARDS = 100_000
// 1,000 timed calls: p99 is then the 10th slowest, not the 2nd or 3rd, and one stray pause cannot make it.
const RUNS = 1000
const WARM_UP = 50
const run = async (url: string, sql: string, params: unknown[] = []) => {
  const c = new pg.Client(url)
  await c.connect()
  try {
    return await c.query(sql, params)
  } finally {
    await c.end()
  }
}
/**
 * The due queue timed RUNS times after WARM_UP calls, with the CPU per call of this process and of the
 * connection's server process. A function, not the module's top level: there (top-level await) V8 kept every
 * iteration's answer alive, so each young-generation collection copied them all (3-8 ms pauses that no request
 * handler has).
 */
async function timeQueue(db: Db, user: string, pid: number, local: boolean) {
  const times: number[] = []
  let cpu0 = { node: process.cpuUsage(), pg: 0 }
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    if (i === WARM_UP) cpu0 = { node: process.cpuUsage(), pg: local ? cpuMs(pid) : 0 } // after warm-up
    const t = performance.now()
    const q = (await asUser(db, user, (sql) => dueQueue(sql, { now: new Date(), limit: 50 }))).cards
    if (i >= WARM_UP) times.push(performance.now() - t)
    if (q.length !== 50 || new Set(q.map((c) => c.noteId)).size !== 50)
      throw new Error(`queue had ${q.length} cards, not 50 of 50 notes`)
  }
  const node = process.cpuUsage(cpu0.node)
  const cpu = {
    node: +((node.user + node.system) / 1000 / times.length).toFixed(2),
    pg: local ? +((cpuMs(pid) - cpu0.pg) / times.length).toFixed(2) : null,
  }
  return { times, cpu }
}

const bench = await benchDatabase()
const { url } = bench
try {
  const user = newUserId()
  await run(url, `insert into public.users (id, email, name) values ($1, $2, 'B')`, [
    user,
    `${user}@bench.example`,
  ])
  // 10 decks × 10,000 cards: a third new, the rest reviewed with dues spread over ±60 days. In each deck 6,000
  // cards are the two siblings of 3,000 reversed notes, the rest Basic notes; one reversed card in 20 has a
  // sibling studied today (buried until tomorrow); one card in 50 is suspended, one in 40 buried until
  // tomorrow, one in 10 flagged.
  const fresh = JSON.stringify(createEmptyCard(new Date()))
  await run(
    url,
    `insert into content.decks (id, user_id, name, source_lang, target_lang, new_per_day, reviews_per_day)
                  select gen_random_uuid(), $1, 'Deck ' || g, 'de', 'en', 20, 200 from generate_series(1, 10) g`,
    [user],
  )
  const note = `md5(d.id || '-' || case when g <= $2 * 6 / 10 then (g + 1) / 2 else g end)::uuid`
  await run(
    url,
    `insert into content.notes (id, user_id, deck_id, type, fields)
                  select distinct on (${note}) ${note}, $1, d.id, case when g <= $2 * 6 / 10 then 'reversed' else 'basic' end,
                         jsonb_build_object('front', 'card ' || g, 'back', 'back ' || g)
                  from content.decks d, generate_series(1, $2) g`,
    [user, CARDS / 10],
  )
  await run(
    url,
    `insert into content.cards (user_id, deck_id, note_id, ord, front, fsrs, due, state, created_at,
                                suspended, buried_until, sibling_buried_until, flag)
                  select $1, d.id, ${note}, case when g <= $2 * 6 / 10 then g % 2 else 0 end, 'card ' || g, $3::jsonb,
                         now() + ((random() * 120 - 60) * interval '1 day'), case when g % 3 = 0 then 0 else 2 end,
                         now() - g * interval '1 second', g % 50 = 7, case when g % 40 = 3 then now() + interval '1 day' end,
                         case when g <= $2 * 6 / 10 and g % 20 = 0 then now() + interval '1 day' end,
                         case when g % 10 = 1 then 1 + g % 7 else 0 end
                  from content.decks d, generate_series(1, $2) g`,
    [user, CARDS / 10, fresh],
  )
  await run(url, 'vacuum analyze') // as autovacuum leaves a table after a bulk insert
  const db = createPgDb(url, 'lingudesk_backend', 1) // one connection: its server process is the one measured
  const [{ pid }] = await db.query<{ pid: number }>('select pg_backend_pid() as pid')
  // Latency depends on the machine's load; the CPU time spent per call (here and, when the server is on this
  // machine, in its PostgreSQL process) does not.
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)
  const { times, cpu } = await timeQueue(db, user, pid, local)
  await db.close()
  times.sort((a, b) => a - b)
  const at = (p: number) => times[Math.floor(p * (times.length - 1))].toFixed(1)
  console.log(
    `\nDue queue, one user with ${CARDS} cards (Basic and reversed notes, siblings, suspended, buried and flagged cards) in 10 decks, 50 cards with intervals, ${times.length} runs: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms; CPU per call: Node ${cpu.node} ms, PostgreSQL ${cpu.pg ?? '(not on this machine)'} ms`,
  )
  await record('due queue', {
    cards: CARDS,
    runs: times.length,
    'p50 ms': +at(0.5),
    'p99 ms': +at(0.99),
    'node cpu ms per call': cpu.node,
    'postgres cpu ms per call': cpu.pg,
  })
} finally {
  await bench.drop()
}

// The desired-retention helper on a deck of 10,000 cards (8,000 studied, 2,000 new) and one of 50,000 (a sample
// of 10,000 simulated): wall and CPU time of the read and of the 16 simulations, CPU being the load-independent one.
import { loadavg } from 'node:os'
import pg from 'pg'
import { createEmptyCard } from 'ts-fsrs'
import { deckWorkload, forecastRetentions } from '../lib/content/retention-forecast'
import { asUser } from '../lib/db/tx'
import { newUserId } from '../lib/ids'
import { createPgDb } from '../lib/node/db'
import { must } from '../test/must'
import { benchDatabase } from './database'
import { record } from './results'

const bench = await benchDatabase()
try {
  const owner = new pg.Client(bench.url)
  await owner.connect()
  const user = newUserId()
  await owner.query(`insert into public.users (id, email, name) values ($1, $2, 'B')`, [
    user,
    `${user}@bench.example`,
  ])
  const deckOf = async (cards: number) => {
    const [deck] = (
      await owner.query(
        `insert into content.decks (user_id, name, source_lang, target_lang) values ($1, $2, 'de', 'en') returning id`,
        [user, `Deck ${cards}`],
      )
    ).rows
    // One card in five new; the others last seen up to 30 days ago at stability 1–120, due within ±60 days.
    await owner.query(
      `with n as (insert into content.notes (user_id, deck_id, type, fields)
         select $1, $2, 'basic', jsonb_build_object('front', g) from generate_series(1, $3) g
         returning id, (fields->>'front')::int as g)
       insert into content.cards (user_id, deck_id, note_id, front, fsrs, due, state)
       select $1, $2, n.id, 'card ' || g,
         case when g % 5 = 0 then $4::jsonb else $4::jsonb || jsonb_build_object('stability', 1 + g % 120,
           'difficulty', 1 + g % 9, 'state', 2, 'last_review', now() - make_interval(days => g % 30)) end,
         now() + make_interval(days => g % 120 - 60), case when g % 5 = 0 then 0 else 2 end
       from n`,
      [user, deck.id, cards, JSON.stringify(createEmptyCard(new Date()))],
    )
    return deck.id as string
  }
  const decks = { '10,000 cards': await deckOf(10_000), '50,000 cards': await deckOf(50_000) }
  await owner.query('vacuum analyze')
  await owner.end()
  const db = createPgDb(bench.url, 'lingudesk_backend', 4)
  for (const [name, deckId] of Object.entries(decks)) {
    const runs: { readMs: number; readCpuMs: number; simMs: number; simCpuMs: number }[] = []
    for (let i = 0; i < 4; i++) {
      const [t0, c0] = [performance.now(), process.cpuUsage()]
      const w = must(await asUser(db, user, (sql) => deckWorkload(sql, deckId, new Date())))
      const [t1, c1] = [performance.now(), process.cpuUsage()]
      await forecastRetentions(w.workload, w.desiredRetention)
      const cpu = (from: NodeJS.CpuUsage, to = process.cpuUsage()) =>
        (to.user + to.system - from.user - from.system) / 1000
      runs.push({
        readMs: t1 - t0,
        readCpuMs: cpu(c0, c1),
        simMs: performance.now() - t1,
        simCpuMs: cpu(c1),
      })
    }
    const last = runs.slice(1) // after warm-up
    const mean = (k: keyof (typeof runs)[number]) =>
      +(last.reduce((a, r) => a + r[k], 0) / last.length).toFixed(0)
    const figures = {
      'read ms': mean('readMs'),
      'simulate ms': mean('simMs'),
      'simulate CPU ms': mean('simCpuMs'),
    }
    console.log(`\nRetention forecast, a deck of ${name}:`, figures, 'load', loadavg())
    await record(`retention forecast (${name})`, figures)
  }
  await db.close()
} finally {
  await bench.drop()
}

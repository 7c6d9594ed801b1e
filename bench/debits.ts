// Settled debits per second: 50 concurrent clients, each reserving a hold and settling it at 1.5 cents
// (so every settle writes a ledger debit), against the credit role on real PostgreSQL.
// DATABASE_URL (default the local server) must allow creating a database.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { newUserId } from '../lib/ids'
import { createServices } from '../lib/services'
import { benchDatabase } from './database'

const CLIENTS = 50
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const bench = await benchDatabase()
const url = new URL(bench.url)

const users = Array.from({ length: CLIENTS }, () => newUserId())
const seed = new pg.Client(url.href)
await seed.connect()
for (const id of users) {
  await seed.query(`insert into public.users (id, email, name) values ($1, $2, 'B')`, [id, `${id}@bench.example`])
  await seed.query(`insert into credit.accounts (user_id, balance) values ($1, 1000000000000)`, [id])
}
await seed.end()

const secret = randomBytes(32).toString('base64url')
const PORT = 18183
const credit = spawn(process.execPath, ['--import', 'tsx', 'deploy/start.ts', '--role', 'credit'], {
  env: { ...process.env, DATABASE_URL: url.href, SERVICE_SECRET: secret, PORT: String(PORT), LOG_LEVEL: 'warn', GRANT_FREE: '0', DB_POOL_MAX: process.env.DB_POOL_MAX ?? '10' },
  stdio: ['ignore', 'ignore', 'inherit'],
})
for (let i = 0; i < 200 && !(await fetch(`http://127.0.0.1:${PORT}/healthz`).then((r) => r.ok, () => false)); i++)
  await new Promise((r) => setTimeout(r, 100))

const backend = createServices({ role: 'backend', secret, ttlS: 60, urls: { credit: `http://127.0.0.1:${PORT}` } })
let settled = 0
const latencies: number[] = []
const until = Date.now() + SECONDS * 1000
await Promise.all(
  users.map(async (userId) => {
    for (let i = 0; Date.now() < until; i++) {
      const t = performance.now()
      const hold = await (await backend.call('credit', '/internal/holds', { body: { userId, amount: 20_000, key: `b:${userId}:${i}` } })).json()
      const done = await backend.call('credit', `/internal/holds/${hold.id}/settle`, { body: { actual: 15_000 } })
      if (!done.ok) throw new Error(`settle answered ${done.status}`)
      await done.body?.cancel()
      latencies.push(performance.now() - t)
      settled++
    }
  }),
)
latencies.sort((a, b) => a - b)
const at = (q: number) => latencies[Math.floor(q * (latencies.length - 1))].toFixed(1)
console.log(`\nCredit: ${CLIENTS} concurrent clients, ${SECONDS} s, reserve + settle each, PostgreSQL at ${bench.host}`)
console.log(`${(settled / SECONDS).toFixed(0)} settled debits/s · reserve+settle p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`)
credit.kill('SIGTERM')
await new Promise((r) => credit.once('exit', r))
await bench.drop()

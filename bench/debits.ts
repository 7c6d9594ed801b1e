// Money throughput as ratios to pgbench on the same PostgreSQL in the same run:
//  base  `pgbench -b simple-update -c 50 -j 2` on a database of its own (scale 10),
//  (b)   the credit role alone: 50 clients, each its own user, begin a paid call (hold under an idempotency
//        key) then settle it (charge + stored answer, 1.5 cents so every settle also writes a ledger debit),
//  (a)   through the backend: 50 clients, distinct users, paid translate calls with an Idempotency-Key each,
//        every role its own process, the AI role on its offline plugin.
// DATABASE_URL (default the local server) must allow creating databases; REDIS_URL defaults to the local one.
import { execFile } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import pg from 'pg'
import { newUserId } from '../lib/ids'
import { serviceKeyEnv } from '../lib/service-keys'
import { type RoleProcess, startRoleProcess } from '../test/role-process'
import { servicesAs } from '../test/service-identity'
import { startBackendRoles } from './backend-roles'
import { cpuMs } from './cpu'
import { benchDatabase } from './database'
import { record } from './results'
import { must } from '../test/must'

const CLIENTS = 50
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const run = promisify(execFile)

/**
 * Successful calls per second of `call` from CLIENTS loops for SECONDS (after a 1 s warm-up), latencies, and
 * the CPU time per call of each role process and of this one (the clients), which the machine's load does not
 * change.
 */
async function measure(
  call: (client: number, i: number) => Promise<boolean>,
  processes: RoleProcess[],
) {
  let i = 0
  let failed = 0
  const loop = async (client: number, until: number, lat?: number[]) => {
    while (Date.now() < until) {
      const t = performance.now()
      if (await call(client, i++)) lat?.push(performance.now() - t)
      else if (lat) failed++
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => loop(c, Date.now() + 1000)))
  const lat: number[] = []
  const used = () => [...processes.map((p) => cpuMs(p.pid())), cpuMs(process.pid)]
  const before = used()
  await Promise.all(
    Array.from({ length: CLIENTS }, (_, c) => loop(c, Date.now() + SECONDS * 1000, lat)),
  )
  const after = used()
  const names = [...processes.map((p) => p.role), 'clients']
  const cpu = names.map(
    (n, j) => `${n} ${Math.round(((after[j] - before[j]) * 1000) / lat.length)}`,
  )
  lat.sort((a, b) => a - b)
  const at = (q: number) => lat[Math.floor(q * (lat.length - 1))].toFixed(1)
  return { perS: lat.length / SECONDS, p50: at(0.5), p99: at(0.99), failed, cpu: cpu.join(' · ') }
}

async function pgbench() {
  const db = await benchDatabase()
  try {
    await run('pgbench', ['-i', '-q', '-s', '10', db.url])
    const { stdout } = await run('pgbench', [
      '-b',
      'simple-update',
      '-c',
      String(CLIENTS),
      '-j',
      '2',
      '-T',
      String(SECONDS),
      db.url,
    ])
    return Number(must(stdout.match(/tps = ([\d.]+)/))[1])
  } finally {
    await db.drop()
  }
}

async function atCredit() {
  const db = await benchDatabase()
  const users = Array.from({ length: CLIENTS }, () => newUserId())
  const seed = new pg.Client(db.url)
  await seed.connect()
  for (const id of users) {
    await seed.query(`insert into public.users (id, email, name) values ($1, $2, 'B')`, [
      id,
      `${id}@bench.example`,
    ])
    await seed.query(`insert into credit.accounts (user_id, balance) values ($1, 1000000000000)`, [
      id,
    ])
  }
  await seed.end()
  const keys = await serviceKeyEnv()
  const credit = await startRoleProcess('credit', {
    DATABASE_URL: db.loginAs('lingudesk_credit'),
    ...keys,
    LOG_LEVEL: 'warn',
    GRANT_FREE: '0',
  })
  const backend = servicesAs('backend', keys, { credit: credit.url })
  const response = {
    status: 200,
    contentType: 'application/json',
    body: '{"result":{"translation":"the house"},"cost":15000}',
  }
  try {
    return await measure(
      async (client, i) => {
        const begin = {
          userId: users[client],
          amount: 20_000,
          key: `bench-${client}-${i}`,
          fingerprint: 'f'.repeat(64),
          attempt: randomUUID(),
        }
        const { hold } = await (
          await backend.call('credit', '/internal/holds', { body: begin })
        ).json()
        const done = await backend.call('credit', `/internal/holds/${hold.id}/settle`, {
          body: { actual: 15_000, response },
        })
        await done.body?.cancel()
        return done.ok
      },
      [credit],
    )
  } finally {
    await credit.kill()
    await db.drop()
  }
}

async function throughBackend() {
  const roles = await startBackendRoles({
    credit: { GRANT_FREE: '1000000000' },
    // The offline plugin admitted like a provider (4 at once, 16 queued, 600 a minute) would bound the run.
    ai: { OFFLINE_CONCURRENCY: '256', OFFLINE_QUEUE: '10000', OFFLINE_RPM: '100000' },
    backend: { RATE_LIMIT_AI: '1000000000/60', RATE_LIMIT_PUBLIC: '1000000000/60' },
  })
  const { backend } = roles
  try {
    const tokens: string[] = []
    for (let c = 0; c < CLIENTS; c++) tokens.push((await roles.signUp()).accessToken)
    const run = randomBytes(4).toString('hex')
    return await measure(async (client, i) => {
      const res = await fetch(`${backend.url}/api/ai/translate`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens[client]}`,
          'content-type': 'application/json',
          'idempotency-key': `bench-${run}-${i}`,
          'x-forwarded-for': '192.0.2.1',
        },
        body: JSON.stringify({ text: `bench ${run} ${i}`, from: 'de', to: 'en' }),
      })
      await res.body?.cancel()
      return res.status === 200
    }, roles.roles)
  } finally {
    await roles.stop()
  }
}

const base = await pgbench()
const b = await atCredit()
const a = await throughBackend()
console.log(
  `\nMoney: ${CLIENTS} clients, ${SECONDS} s each, PostgreSQL at ${new URL(process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432').host}`,
)
console.table([
  {
    case: 'pgbench simple-update -c 50 -j 2',
    'per s': Math.round(base),
    'p50 ms': '',
    'p99 ms': '',
  },
  {
    case: '(b) credit: begin + settle',
    'per s': Math.round(b.perS),
    'p50 ms': b.p50,
    'p99 ms': b.p99,
    failed: b.failed,
  },
  {
    case: '(a) backend: paid translate',
    'per s': Math.round(a.perS),
    'p50 ms': a.p50,
    'p99 ms': a.p99,
    failed: a.failed,
  },
])
console.log(`CPU µs per call: (b) ${b.cpu}\n                 (a) ${a.cpu}`)
console.log(
  `(a)/pgbench = ${(a.perS / base).toFixed(3)} (target ≥ 0.25) · (b)/pgbench = ${(b.perS / base).toFixed(3)} (target ≥ 0.5)`,
)
await record('debits', {
  clients: CLIENTS,
  seconds: SECONDS,
  'pgbench per s': Math.round(base),
  '(b) credit begin + settle': {
    'per s': Math.round(b.perS),
    'p50 ms': +b.p50,
    'p99 ms': +b.p99,
    'CPU µs per call': b.cpu,
  },
  '(a) backend paid translate': {
    'per s': Math.round(a.perS),
    'p50 ms': +a.p50,
    'p99 ms': +a.p99,
    'CPU µs per call': a.cpu,
  },
  '(a)/pgbench': +(a.perS / base).toFixed(3),
  '(b)/pgbench': +(b.perS / base).toFixed(3),
})

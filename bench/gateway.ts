// Gateway overhead on loopback: (a) a bare Hono handler, (b) an authenticated, rate-limited backend route
// (JWT check + a Redis limiter call, no other I/O), (c) the same through the frontend proxy.
// Each server is its own process, as in production, and so is the load generator (autocannon).
// Needs Redis (REDIS_URL, default the local one) and PostgreSQL (a database of its own on DATABASE_URL's server).
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { serviceKeyEnv } from '../lib/service-keys'
import { benchDatabase } from './database'
import { firstLoad } from './first-load'
import { cpuMs } from './cpu'
import { record } from './results'
import { freePort } from '../test/loopback'
import { signUp } from '../test/sign-up'
import { buildSpaIfNeeded } from '../deploy/spa'

const AUTOCANNON = new URL('../node_modules/autocannon/autocannon.js', import.meta.url).pathname
const CONNECTIONS = 50
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5)
const MAIL_DIR = `/tmp/lingudesk-bench-mail-${process.pid}`
// Free ports of this moment: other benchmarks and test platforms may share the machine.
const PORTS = {
  bare: await freePort(),
  auth: await freePort(),
  backend: await freePort(),
  frontend: await freePort(),
}
const url = (role: keyof typeof PORTS) => `http://127.0.0.1:${PORTS[role]}`

const bench = await benchDatabase()
const DATABASE_URL = bench.url
const env = {
  ...process.env,
  DATABASE_URL,
  ...(await serviceKeyEnv()),
  LOG_LEVEL: 'warn',
  KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
  SMTP_URL: `file://${MAIL_DIR}`,
  BCRYPT_COST: '4',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  AUTH_URL: url('auth'),
  BACKEND_URL: url('backend'),
  RATE_LIMIT_STANDARD: '1000000000/60', // measure the check, not the refusal
  RATE_LIMIT_PUBLIC: '1000000000/60', // sign-up: runs within a minute share one client address in Redis
}
const children: ChildProcess[] = []
// BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops (open it in DevTools).
const PROFILE = process.env.BENCH_CPU_PROF
const run = (args: string[], port: number) => {
  const prof = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', ...args], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.push(child)
  return child
}
await buildSpaIfNeeded() // the frontend serves web/dist: the first-load step needs the SPA built
const servers = {
  bare: run(['bench/bare-server.ts'], PORTS.bare),
  auth: run(['deploy/start.ts', '--role', 'auth'], PORTS.auth),
  backend: run(['deploy/start.ts', '--role', 'backend'], PORTS.backend),
  frontend: run(['deploy/start.ts', '--role', 'frontend'], PORTS.frontend),
}
for (const role of Object.keys(PORTS) as (keyof typeof PORTS)[])
  for (
    let i = 0;
    i < 200 &&
    !(await fetch(url(role) + (role === 'bare' ? '/' : '/healthz')).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await new Promise((r) => setTimeout(r, 100))

const { accessToken } = await signUp(url('backend'), MAIL_DIR)
console.log('servers up, token', accessToken ? 'issued' : 'MISSING')
const auth = ['-H', `authorization=Bearer ${accessToken}`, '-H', 'x-forwarded-for=192.0.2.1']

// The cases take turns, ROUNDS times, and each figure is the median over the rounds: on a machine shared with
// other work the load changes by the minute, and the ratios should compare cases under the same load.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CASES = [
  { name: '(a) bare Hono', target: `${url('bare')}/`, headers: [] as string[], on: ['bare'] },
  {
    name: '(b) backend: JWT + rate limit',
    target: `${url('backend')}/api/whoami`,
    headers: auth,
    on: ['backend'],
  },
  {
    name: '(c) (b) through the frontend',
    target: `${url('frontend')}/api/whoami`,
    headers: auth,
    on: ['frontend', 'backend'],
  },
] as const
type Figures = { 'req/s': number; 'p50 ms': number; 'p99 ms': number }

// Work per request, which the machine's other load does not change: the CPU time (user + system, from /proc)
// the case's server processes spend on a fixed number of requests.
const CPU_REQUESTS = Number(process.env.BENCH_CPU_REQUESTS ?? 20_000)

async function load(
  name: string,
  target: string,
  headers: readonly string[],
  run: { seconds: number } | { requests: number },
) {
  const amount = 'seconds' in run ? ['-d', String(run.seconds)] : ['-a', String(run.requests)]
  const r = JSON.parse(
    (
      await promisify(execFile)(
        process.execPath,
        [AUTOCANNON, '--json', '-c', String(CONNECTIONS), ...amount, ...headers, target],
        { maxBuffer: 1 << 26 },
      )
    ).stdout,
  )
  if (r.non2xx || r.errors)
    throw new Error(
      `${name}: ${r.non2xx} non-2xx, ${r.errors} errors; by status ${JSON.stringify(r.statusCodeStats)}`,
    )
  return {
    'req/s': Math.round(r.requests.average),
    'p50 ms': r.latency.p50,
    'p99 ms': r.latency.p99,
  } as Figures
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]

try {
  for (const k of CASES) await load(k.name, k.target, k.headers, { seconds: 1 }) // warm-up
  const cpu: Record<string, number> = {}
  for (const k of CASES) {
    const used = () => k.on.reduce((sum, role) => sum + cpuMs(servers[role].pid), 0)
    const before = used()
    await load(k.name, k.target, k.headers, { requests: CPU_REQUESTS })
    cpu[k.name] = Math.round(((used() - before) * 1000) / CPU_REQUESTS)
  }
  const rounds: Figures[][] = []
  for (let i = 0; i < ROUNDS; i++) {
    const round: Figures[] = []
    for (const k of CASES)
      round.push(await load(k.name, k.target, k.headers, { seconds: DURATION_S }))
    rounds.push(round)
  }
  const [a, b, c] = CASES.map((k, i) => ({
    case: k.name,
    'CPU µs/req': cpu[k.name],
    'req/s': median(rounds.map((r) => r[i]['req/s'])),
    'p50 ms': median(rounds.map((r) => r[i]['p50 ms'])),
    'p99 ms': median(rounds.map((r) => r[i]['p99 ms'])),
  }))
  console.log(
    `\nGateway: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_S} s per case, loopback, one process per server, medians`,
  )
  console.table([a, b, c])
  // Each ratio within its round (the same minute's load), then the median over the rounds.
  const ratios = {
    'b/a': +median(rounds.map(([ra, rb]) => rb['req/s'] / ra['req/s'])).toFixed(3),
    'c/a': +median(rounds.map(([ra, , rc]) => rc['req/s'] / ra['req/s'])).toFixed(3),
    'p99 b-a ms': median(rounds.map(([ra, rb]) => rb['p99 ms'] - ra['p99 ms'])),
    'p99 c-a ms': median(rounds.map(([ra, , rc]) => rc['p99 ms'] - ra['p99 ms'])),
    // The same ratios from CPU per request: what they would be on an otherwise idle machine.
    'cpu a/b': +(a['CPU µs/req'] / b['CPU µs/req']).toFixed(3),
    'cpu a/c': +(a['CPU µs/req'] / c['CPU µs/req']).toFixed(3),
  }
  console.log(
    `b/a = ${ratios['b/a']} (target ≥ 0.5) · c/a = ${ratios['c/a']} (target ≥ 0.35)\n` +
      `p99 added by the gateway: b − a = ${ratios['p99 b-a ms']} ms (target ≤ 2 ms), c − a = ${ratios['p99 c-a ms']} ms\n` +
      `CPU per request (${CPU_REQUESTS} requests, server processes): a/b = ${ratios['cpu a/b']}, a/c = ${ratios['cpu a/c']}`,
  )
  const spa = await firstLoad(url('frontend'))
  console.log('\nFirst load of the SPA, chromium, cold cache, loopback (median of 5):')
  console.table([spa])
  console.log(`first page JS + CSS on the wire: ${spa['JS+CSS bytes']} bytes (target ≤ 40 kB)`)
  await record('gateway', {
    connections: CONNECTIONS,
    'seconds per round': DURATION_S,
    rounds: ROUNDS,
    cases: [a, b, c],
    ...ratios,
    'first load': spa,
  })
} finally {
  for (const child of children) child.kill('SIGTERM')
  await bench.drop()
}

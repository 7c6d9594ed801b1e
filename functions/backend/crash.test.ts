import { type ChildProcess, spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { startRedisServer } from '../../test/redis-server'

// Kills the backend with SIGKILL and restarts Redis in the middle of a stream of paid requests: every
// acknowledged charge must be in the ledger or pending exactly once. Redis is this test's own.
let redis: Awaited<ReturnType<typeof startRedisServer>>
let p: PlatformHarness
let ai: Server
let backend: ChildProcess | undefined
let port: number
let env: Record<string, string>

// The AI stand-in reports a cost that depends only on the request, so a retry reports the same cost.
const costOf = (body: string) => 1000 + (body.length * 997) % 9000

beforeAll(async () => {
  redis = await startRedisServer()
  ai = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'x-cost-micros': String(costOf(body)) }).end('{"ok":true}'))
  })
  await new Promise<void>((ok) => ai.listen(0, '127.0.0.1', ok))
  p = await platformHarness({ redisUrl: redis.url, creditEnv: { GRANT_FREE: '100000000' } })
  port = 20_000 + Math.floor(Math.random() * 20_000)
  env = {
    ...(process.env as Record<string, string>), ...p.env, PORT: String(port), REDIS_URL: redis.url,
    AUTH_URL: p.auth.url, CREDIT_URL: p.credit.url, AI_URL: `http://127.0.0.1:${(ai.address() as AddressInfo).port}`,
    RATE_LIMIT_AI: '100000/60', RATE_LIMIT_STANDARD: '100000/60', LOG_LEVEL: 'error',
  }
  await startBackend()
}, 60_000)
afterAll(async () => {
  backend?.kill('SIGKILL')
  await p?.close()
  await redis?.stop()
  ai?.close()
})

async function startBackend() {
  backend = spawn(process.execPath, ['--import', 'tsx', 'deploy/start.ts', '--role', 'backend'], { env, stdio: 'ignore' })
  for (let i = 0; i < 200; i++) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('backend did not start')
}

describe('durability of charges', () => {
  it('loses nothing and counts nothing twice across a backend SIGKILL and a Redis restart', async () => {
    const b = p.browser(`http://127.0.0.1:${port}`)
    const { res } = await b.register()
    const userId = res.body.user.id
    const acknowledged = new Map<string, number>()
    const TOTAL = 120
    let next = 0
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++
        const key = `stream-${userId}-${i}`
        const body = { text: `word number ${i} ${'x'.repeat(i % 17)}` }
        for (let attempt = 0; attempt < 100 && !acknowledged.has(key); attempt++) {
          const r = await b.call('POST', '/api/ai/translate', { body, headers: { 'idempotency-key': key } }).catch(() => null)
          if (r?.status === 200) acknowledged.set(key, Number(r.headers.get('x-cost-micros')))
          else await new Promise((res) => setTimeout(res, 100))
        }
        if (i === 40) {
          backend!.kill('SIGKILL')
          await startBackend()
        }
        if (i === 80) {
          await redis.stop()
          await redis.start()
        }
      }
    }
    await Promise.all(Array.from({ length: 5 }, worker))
    expect(acknowledged.size).toBe(TOTAL)
    const sum = [...acknowledged.values()].reduce((a, b) => a + b, 0)
    const [acct] = await p.db.owner.query<{ pending: string; held: string }>(`select pending, held from credit.accounts where user_id = $1`, [userId])
    const [debits] = await p.db.owner.query<{ total: string }>(`select coalesce(-sum(amount), 0) as total from credit.transactions where user_id = $1 and kind = 'debit'`, [userId])
    expect(Number(debits.total) + Number(acct.pending)).toBe(sum)
    const [charges] = await p.db.owner.query<{ n: string }>(`select count(*) as n from credit.charges where user_id = $1`, [userId])
    expect(Number(charges.n)).toBe(TOTAL)
  }, 120_000)
})

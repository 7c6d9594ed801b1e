import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRole } from './serve'
import createFrontendApp from '../functions/frontend/index'
import { MIGRATIONS_DIR } from '../lib/node/migrations'
import { type PlatformHarness, platformHarness } from '../test/platform-harness'

let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness()
})
afterAll(() => p.close())

const scrape = async (url: string) => (await fetch(`${url}/metrics`)).text()

describe('/metrics', () => {
  it('counts requests by route and status, and domain events, in Prometheus text format', async () => {
    const b = p.browser()
    for (let i = 0; i < 21; i++)
      await b.call('POST', '/api/auth/login', {
        body: { email: 'nobody@example.com', password: 'not the one' },
      })
    const backend = await scrape(p.backend.url)
    expect(backend).toMatch(
      /^http_requests_total\{method="POST",route="\/api\/auth\/\*",status="429",role="backend"\} 1$/m,
    )
    expect(backend).toMatch(/^rate_limit_refusals_total\{class="public",role="backend"\} 1$/m)
    expect(backend).toMatch(
      /^http_request_duration_seconds_bucket\{le="0.005",role="backend",method="POST",route="\/api\/auth\/\*",status="401"\} \d+$/m,
    )
    const auth = await scrape(p.auth.url)
    expect(auth).toMatch(/^logins_total\{outcome="refused",role="auth"\} 20$/m)
    expect(auth).toMatch(/^process_cpu_seconds_total\{role="auth"\}/m)
  })

  it('counts credit holds and reads the pending and held totals when scraped', async () => {
    const b = p.browser()
    const { res } = await b.register()
    const userId = res.body.user.id
    const begin = (amount: number, key: string) =>
      p.service('credit', '/internal/holds', {
        body: { userId, amount, key, fingerprint: 'f'.repeat(64), attempt: randomUUID() },
      })
    const hold = await begin(20_000, `m:${userId}:1`)
    expect(hold.status).toBe(201)
    expect((await begin(900_000_000, `m:${userId}:2`)).status).toBe(402)
    let credit = await scrape(p.credit.url)
    expect(credit).toMatch(/^credit_holds_total\{outcome="reserved",role="credit"\} 1$/m)
    expect(credit).toMatch(/^credit_holds_total\{outcome="refused",role="credit"\} 1$/m)
    expect(credit).toMatch(/^credit_held_micro_euros\{role="credit"\} 20000$/m)
    const response = { status: 200, contentType: 'application/json', body: '{"cost":700}' }
    await p.service('credit', `/internal/holds/${hold.body.hold.id}/settle`, {
      body: { actual: 700, response },
    })
    credit = await scrape(p.credit.url)
    expect(credit).toMatch(/^credit_held_micro_euros\{role="credit"\} 0$/m)
    expect(credit).toMatch(/^credit_pending_micro_euros\{role="credit"\} 700$/m) // under the 1-cent flush threshold
  })

  it('exports a role’s counters from zero for every label value, and only the gauges it reads', async () => {
    const [backend, auth, credit] = await Promise.all(
      [p.backend.url, p.auth.url, p.credit.url].map(scrape),
    )
    expect(backend).toMatch(/^rate_limit_fail_open_total\{class="standard",role="backend"\} 0$/m)
    expect(auth).toMatch(/^refresh_reuse_total\{role="auth"\} 0$/m)
    expect(credit).toMatch(/^paddle_events_total\{outcome="bad_signature",role="credit"\} 0$/m)
    for (const other of [backend, auth])
      expect(other).not.toMatch(/credit_(pending|held)_micro_euros|paddle_events_total/)
    expect(backend).not.toMatch(/logins_total/)
    expect(credit).toMatch(/^dependency_up\{dependency="db",role="credit"\} 1$/m)
    expect(credit).toMatch(/^backup_last_success_timestamp_seconds\{role="credit"\} 0$/m) // no backup yet
  })

  it('is not served by the public edge', async () => {
    const edge = await startRole('frontend', createFrontendApp, {
      env: { PORT: '0', BACKEND_URL: p.backend.url, LOG_LEVEL: 'error' },
      migrationsDir: MIGRATIONS_DIR,
      assetsDir: '/none',
    })
    try {
      expect(await (await fetch(`${edge.url}/metrics`)).text()).not.toContain('http_requests_total')
    } finally {
      await edge.close()
    }
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { must } from '../../test/must'

// Issue 15: three registrations with a NUL byte every 10 s kept sign-in at 503 for everyone, because the
// backend's breaker counted auth's 500s. Now client input is refused at the edge, a 500 never counts, and
// only the dependency failing (here: auth killed) opens it. Roles are separate processes.
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({
    processes: true,
    backendEnv: { RATE_LIMIT_PUBLIC: '100000/60', RATE_LIMIT_STANDARD: '100000/60' },
  })
}, 60_000)
afterAll(() => p?.close())

const signIn = (email: string, password: string) =>
  p.browser().call('POST', '/api/auth/login', { body: { email, password } })

describe("the backend's breaker to auth", () => {
  it('stays closed through a flood of hostile sign-ups, and opens when auth dies', async () => {
    const { email, password } = await p.browser().register()
    const flood = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2
          ? p.browser().call('POST', '/api/auth/register', {
              body: {
                email: `f${i}@example.com`,
                password: 'a long passphrase',
                name: `x\u0000${i}`,
              },
            })
          : signIn(`nobody${i}@example.com`, 'a wrong password'),
      ),
    )
    expect(new Set(flood.map((r) => r.status))).toEqual(new Set([400, 401]))
    expect((await signIn(email, password)).status).toBe(200)

    const admin = await p.admin() // its token is checked by the backend alone, so it works while auth is down
    const breaker = async () => (await admin.call('GET', '/api/admin/status')).body.breakers.auth
    expect(await breaker()).toBe('closed')

    await must(p.processes.auth).kill()
    const down = await Promise.all([1, 2, 3].map(() => signIn(email, password)))
    expect(down.map((r) => [r.status, r.body.error.details.service])).toEqual(
      Array(3).fill([503, 'auth']),
    )
    expect(await breaker()).toBe('open')
    await p.restart('auth')
    // After the cooldown one trial call goes through; auth answers, and the breaker closes.
    await expect
      .poll(async () => (await signIn(email, password)).status, { timeout: 30_000, interval: 1000 })
      .toBe(200)
    expect(await breaker()).toBe('closed')
  }, 60_000)
})

// Issue 15, from outside: 20 sign-ins at once from one address (within the public limit) made auth's bcrypt
// work (real cost 12) outlast the backend's 10 s timeout, and three timeouts shut /api/auth/* for everyone.
// Auth now runs a few password checks at once and sheds the rest at once (503 + Retry-After, its own answer).
describe('a burst of password checks', () => {
  let q: PlatformHarness
  beforeAll(async () => {
    q = await platformHarness({
      processes: true,
      authEnv: { BCRYPT_COST: '12' },
      backendEnv: { RATE_LIMIT_PUBLIC: '100000/60' },
    })
  }, 60_000)
  afterAll(() => q?.close())

  it('never stalls auth past the timeout nor opens the breaker for other users', async () => {
    const someone = q.browser()
    await someone.register()
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        q.browser().call('POST', '/api/auth/login', {
          body: { email: `nobody${i}@example.com`, password: 'a wrong password' },
        }),
      ),
    )
    const statuses = burst.map((r) => r.status)
    expect(new Set(statuses)).toEqual(new Set([401, 503]))
    // Each 503 is auth shedding a check at once (with its wait), none a timeout or the breaker (they name the service).
    const shed = burst.filter((r) => r.status === 503)
    expect(
      shed.every((r) => !('service' in r.body.error.details) && r.headers.get('retry-after')),
    ).toBe(true)
    expect((await someone.call('GET', '/api/auth/me')).status).toBe(200)
    const admin = await q.admin()
    expect((await admin.call('GET', '/api/admin/status')).body.breakers.auth).toBe('closed')
  }, 90_000)
})

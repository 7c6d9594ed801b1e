import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

let p: PlatformHarness
beforeAll(async () => {
  // Timing needs many requests from one address: the public limit is not what is measured here. Each role is
  // its own process, as deployed: in one process the work auth does after answering a known address (token,
  // audit, mail) shared the event loop with the backend and edge still carrying that answer, and made it look
  // slower (47 of 60 pairs) in a way no deployment shows.
  p = await platformHarness({ processes: true, backendEnv: { RATE_LIMIT_PUBLIC: '100000/60' } })
}, 120_000)
afterAll(() => p?.close())

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Times `known` against `unknown` in pairs, in a seeded random order within each pair, and counts the
 * pairs where the known case was slower. Without a difference that count is Binomial(n, ½): 45 of 60 or
 * more happens once in 20,000 runs; the leak this guards against was slower in 57 of 60.
 */
async function race(known: () => Promise<unknown>, unknown: () => Promise<unknown>, n = 60) {
  let seed = 15
  const coin = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) & 1) === 1
  const times = { known: [] as number[], unknown: [] as number[] }
  let knownSlower = 0
  const time = async (f: () => Promise<unknown>) => {
    const t = performance.now()
    await f()
    return performance.now() - t
  }
  for (let i = 0; i < n; i++) {
    const first = coin()
    const a = await time(first ? known : unknown)
    await sleep(10) // let work after the answer (lookups, mail) finish before the next request
    const b = await time(first ? unknown : known)
    await sleep(10)
    const [k, u] = first ? [a, b] : [b, a]
    times.known.push(k)
    times.unknown.push(u)
    if (k > u) knownSlower++
  }
  return { knownSlower, known: median(times.known), unknown: median(times.unknown) }
}

describe('accounts cannot be enumerated', () => {
  it('forgot-password answers a known and an unknown email alike, in the same time', async () => {
    const b = p.browser()
    const { email } = await b.register()
    const forgot = (e: string) =>
      b.call('POST', '/api/auth/password/forgot', { body: { email: e }, auth: false })
    const [k, u] = [await forgot(email), await forgot(`nobody.${Date.now()}@example.com`)]
    expect({ status: k.status, body: k.body }).toEqual({ status: 202, body: u.body })
    const r = await race(
      () => forgot(email),
      () => forgot(`nobody.${Math.random()}@example.com`),
    )
    console.log(JSON.stringify({ forgot: r }))
    expect(r.knownSlower).toBeLessThan(45)
    expect(r.known / r.unknown).toBeGreaterThan(0.5)
    expect(r.known / r.unknown).toBeLessThan(2)
  })

  it('registering a taken email answers like a new one, in the same time, and mails the owner', async () => {
    const owner = p.browser()
    const { email } = await owner.register()
    const b = p.browser()
    const register = (e: string) =>
      b.call('POST', '/api/auth/register', {
        body: { email: e, password: 'a guessing passphrase', name: 'Eve' },
        auth: false,
      })
    const [k, u] = [await register(email), await register(`fresh.${Date.now()}@example.com`)]
    const masked = (r: typeof k) => ({
      status: r.status,
      body: { ...r.body, challenge: String(r.body.challenge).replace(/[0-9a-f]/g, 'x') },
    })
    expect(masked(k)).toEqual(masked(u))
    expect(k.status).toBe(202)
    await p.smtp.latest(email, /tried to create a Lingudesk account/)
    const r = await race(
      () => register(email),
      () => register(`fresh.${Math.random()}@example.com`),
      40,
    )
    console.log(JSON.stringify({ register: r }))
    expect(r.knownSlower).toBeLessThan(31) // 31 of 40 or more: once in 2,500 runs without a difference
    expect(r.known / r.unknown).toBeGreaterThan(0.5)
    expect(r.known / r.unknown).toBeLessThan(2)
  })
})

describe('one lockout for every password check', () => {
  const wrong = 'not my password at all'

  it('12 wrong current passwords on change-password lock the account: the right sign-in is then refused', async () => {
    const b = p.browser()
    const { email, password } = await b.register()
    const answers = []
    for (let i = 0; i < 12; i++)
      answers.push(
        (
          await b.call('POST', '/api/auth/password', {
            body: { currentPassword: wrong, newPassword: 'a brand new passphrase' },
          })
        ).body.error.code,
      )
    expect(answers).toEqual([...Array(4).fill('FORBIDDEN'), ...Array(8).fill('ACCOUNT_LOCKED')]) // the fifth locks; then none is checked
    await p.smtp.latest(email, /temporarily locked/)
    const login = await p.browser().call('POST', '/api/auth/login', { body: { email, password } })
    expect(login.status).toBe(429)
    expect(login.body.error).toMatchObject({
      code: 'ACCOUNT_LOCKED',
      details: { retryAfter: expect.any(Number) },
    })
    // While locked, even the right current password changes nothing.
    const right = await b.call('POST', '/api/auth/password', {
      body: { currentPassword: password, newPassword: 'a brand new passphrase' },
    })
    expect(right.body.error.code).toBe('ACCOUNT_LOCKED')
  })

  it('the 2FA switch and account deletion count toward the same lockout as sign-in', async () => {
    const b = p.browser()
    const { email, password } = await b.register()
    await p.browser().call('POST', '/api/auth/login', { body: { email, password: wrong } })
    await p.browser().call('POST', '/api/auth/login', { body: { email, password: wrong } })
    await b.call('PUT', '/api/auth/two-factor', { body: { enabled: true, password: wrong } })
    await b.call('PUT', '/api/auth/two-factor', { body: { enabled: true, password: wrong } })
    const fifth = await b.call('POST', '/api/account/delete', { body: { password: wrong } })
    expect(fifth.body.error.code).toBe('ACCOUNT_LOCKED')
    expect(
      (await p.browser().call('POST', '/api/auth/login', { body: { email, password } })).status,
    ).toBe(429)
    expect((await b.call('POST', '/api/account/delete', { body: { password } })).status).toBe(429)
  })

  it('checks in flight count too: 20 guesses at once get at most 5 password checks', async () => {
    const b = p.browser()
    const { email, password } = await b.register()
    const guesses = await Promise.all(
      Array.from({ length: 20 }, () =>
        b.call('POST', '/api/auth/password', {
          body: { currentPassword: wrong, newPassword: 'a brand new passphrase' },
        }),
      ),
    )
    const codes = guesses.map((g) => g.body.error.code as string)
    expect(codes.filter((c) => c === 'FORBIDDEN').length).toBeLessThanOrEqual(4)
    expect(codes.filter((c) => c !== 'FORBIDDEN').every((c) => c === 'ACCOUNT_LOCKED')).toBe(true)
    expect(
      (await p.browser().call('POST', '/api/auth/login', { body: { email, password } })).status,
    ).toBe(429)
  })
})

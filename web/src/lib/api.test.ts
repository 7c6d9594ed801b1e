import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../../test/platform-harness'
import { ApiError, createApi } from './api'
import { must } from '../../../test/must'

// The SPA's client against the real backend and auth roles, with a browser-like cookie jar.
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({
    backendEnv: { RATE_LIMIT_STANDARD: '100000/60', RATE_LIMIT_PUBLIC: '100000/60' },
    aiEnv: {},
  })
})
afterAll(() => p?.close())

function browserLike() {
  const jar = new Map<string, string>()
  const calls: string[] = []
  let expired: string | null = null // an access token the test pretends has expired
  const f: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers)
    headers.set('origin', 'http://127.0.0.1:8080')
    if (expired && headers.get('authorization') === `Bearer ${expired}`)
      headers.set('authorization', `Bearer ${expired}x`)
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    calls.push(new URL(String(input)).pathname)
    const res = await fetch(input, { ...init, headers })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const [k, v] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]
      if (v === '' || /max-age=0/i.test(c)) jar.delete(k)
      else jar.set(k, v)
    }
    return res
  }
  const store = new Map<string, string>()
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
  }
  return { jar, calls, storage, fetch: f, expire: (t: string | null) => (expired = t) }
}

const email = () => `spa.${Math.random().toString(36).slice(2)}@example.com`

/** Sign-up as the SPA does it: start, read the mailed code, finish. */
async function signUp(api: ReturnType<typeof createApi>, name: string) {
  const address = email()
  const { challenge } = await api.auth.register({
    name,
    email: address,
    password: 'a long spa passphrase',
  })
  const code = must((await p.smtp.latest(address, /verification code/)).subject.match(/(\d{6})/))[1]
  return api.auth.finishSignUp({ challenge, code })
}

describe('the SPA api client', () => {
  it('keeps the access token in memory, and a reload restores the session from the refresh cookie', async () => {
    const b = browserLike()
    const api = createApi({ base: p.backend.url, fetch: b.fetch, storage: b.storage })
    const user = await signUp(api, 'Sam')
    expect(api.user?.id).toBe(user.id)
    expect([...b.jar.keys()]).toEqual(['ld_refresh'])
    const reloaded = createApi({ base: p.backend.url, fetch: b.fetch, storage: b.storage }) // same device id, same cookie
    expect(reloaded.token).toBeNull()
    expect(await reloaded.restore()).toBe(true)
    expect(reloaded.user?.id).toBe(user.id)
    expect((await reloaded.decks.list()).decks).toEqual([])
  })

  it('answers a 401 with one shared refresh and a retry, however many calls hit it at once', async () => {
    const b = browserLike()
    const api = createApi({ base: p.backend.url, fetch: b.fetch, storage: b.storage })
    await signUp(api, 'Kim')
    b.expire(api.token)
    b.calls.length = 0
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.decks.list()))
    expect(answers.map((a) => a.decks)).toEqual(Array(5).fill([]))
    expect(b.calls.filter((c) => c === '/api/auth/refresh')).toHaveLength(1)
    expect(b.calls.filter((c) => c === '/api/decks')).toHaveLength(10) // each refused once, then answered
  })

  it('signs out once, with the server’s error, when the refresh is refused', async () => {
    const b = browserLike()
    let signedOut = 0
    const api = createApi({
      base: p.backend.url,
      fetch: b.fetch,
      storage: b.storage,
      onSignedOut: () => signedOut++,
    })
    await signUp(api, 'Lou')
    b.jar.clear() // the cookie is gone (expired, revoked elsewhere)
    b.expire(api.token)
    const err = await api.decks.list().catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect([err.status, err.code]).toEqual([401, 'UNAUTHORIZED'])
    expect(signedOut).toBe(1)
    expect(api.user).toBeNull()
  })

  it('turns error bodies into ApiError with code, details and the retry delay', async () => {
    const b = browserLike()
    const api = createApi({ base: p.backend.url, fetch: b.fetch, storage: b.storage })
    await signUp(api, 'Ira')
    const err = await api.decks
      .create({ name: '', sourceLang: 'de', targetLang: 'en' })
      .catch((e) => e)
    expect([err.status, err.code]).toEqual([400, 'BAD_REQUEST'])
    expect(err.details).toEqual([expect.objectContaining({ path: 'name' })])
  })

  it('sends a wrong verification code once: a 401 about the code is an answer, not an expired session', async () => {
    const b = browserLike()
    let signedOut = 0
    const api = createApi({
      base: p.backend.url,
      fetch: b.fetch,
      storage: b.storage,
      onSignedOut: () => signedOut++,
    })
    await signUp(api, 'Noa')
    b.calls.length = 0
    const err = await api.auth.verifyEmail('000000').catch((e) => e)
    expect([err.status, err.code]).toEqual([401, 'INVALID_CODE'])
    expect(b.calls).toEqual(['/api/auth/email/verify'])
    expect(signedOut).toBe(0)
    expect(api.user).not.toBeNull()
  })

  it('keeps the session when the refresh gets no answer at all, and says so as a network error', async () => {
    const b = browserLike()
    let signedOut = 0
    let offline = false
    const flaky: typeof fetch = (input, init) =>
      offline && String(input).endsWith('/refresh')
        ? Promise.reject(new TypeError('Failed to fetch'))
        : b.fetch(input, init)
    const api = createApi({
      base: p.backend.url,
      fetch: flaky,
      storage: b.storage,
      onSignedOut: () => signedOut++,
    })
    await signUp(api, 'Uma')
    b.expire(api.token)
    offline = true
    const err = await api.decks.list().catch((e) => e)
    expect([err.status, err.code]).toEqual([0, 'NETWORK'])
    expect(signedOut).toBe(0)
    offline = false
    b.expire(null)
    expect((await api.decks.list()).decks).toEqual([])
  })

  it('sends a paid action with an Idempotency-Key and, when its answer is lost, once more with the same key: charged once', async () => {
    const b = browserLike()
    const keys: (string | null)[] = []
    let lose = true
    const api = createApi({
      base: p.backend.url,
      storage: b.storage,
      fetch: async (input, init) => {
        const res = await b.fetch(input, init)
        if (!String(input).includes('/ai/')) return res
        keys.push(new Headers(init?.headers).get('idempotency-key'))
        if (lose) {
          lose = false
          throw new TypeError('network error') // the server ran and charged it; the answer never arrived
        }
        return res
      },
    })
    await signUp(api, 'Pat')
    const deck = await api.decks.create({ name: 'D', sourceLang: 'de', targetLang: 'en' })
    const [card] = (await api.decks.addCards(deck.id, [{ front: 'Haus' }])).cards
    const { cost } = await api.cards.ai(card.id, 'image')
    expect(keys).toHaveLength(2)
    expect(keys[0]).toMatch(/^web-/)
    expect(keys[1]).toBe(keys[0])
    expect(cost).toBe(3000)
    const balance = await api.credits.balance()
    expect(500_000 - balance.balance + balance.pending).toBe(3000)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

// Issue 15, from outside: three learners each sending 10 long texts for keyless speech (SVOX Pico, one
// synthesis at a time) queued past the backend's timeouts, and the offline plugin's one queue held text too,
// so a bystander's translation got 503 on 4 of 5 tries. Now each call waits its turn a few seconds at most,
// the rest are refused at once by the AI role itself, and speech has a queue of its own.
describe('a burst of long offline speech', () => {
  let p: PlatformHarness
  beforeAll(async () => {
    p = await platformHarness({
      processes: true,
      backendEnv: { RATE_LIMIT_AI: '10000/60' },
      aiEnv: {}, // no provider: the offline plugin answers everything
    })
  }, 60_000)
  afterAll(() => p?.close())

  it('refuses the excess at once, charges only what it served, and text still answers', async () => {
    const browsers = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const b = p.browser()
        await b.register()
        return b
      }),
    )
    const [bystander, ...senders] = browsers
    const balance = async (b: (typeof browsers)[number]) =>
      (await b.call('GET', '/api/credits/balance')).body as {
        balance: number
        held: number
        pending: number
      }
    const before = await Promise.all(senders.map(balance))
    const sentence = (i: number) => `Der Hund ${i} spielt jeden Morgen im großen Garten. `
    const text = (n: number) => sentence(n).repeat(30).slice(0, 1000)

    const started = Date.now()
    const burst = senders.map((b, s) =>
      Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const res = await b.call('POST', '/api/ai/speech', {
            body: { text: text(s * 10 + i), language: 'de' },
          })
          return { res, ms: Date.now() - started }
        }),
      ),
    )
    await new Promise((ok) => setTimeout(ok, 500)) // the burst is queued
    const translated = await bystander.call('POST', '/api/ai/translate', {
      body: { text: 'Haus', from: 'de', to: 'en' },
    })
    expect(translated.status).toBe(200)
    const replies = await Promise.all(burst)

    const all = replies.flat()
    expect(new Set(all.map((r) => r.res.status))).toEqual(new Set([200, 503]))
    const refused = all.filter((r) => r.res.status === 503)
    // Each refusal is the AI role's own (a Retry-After, no service named), within its wait, never a timeout.
    for (const { res, ms } of refused) {
      expect(res.headers.get('retry-after')).toBeTruthy()
      expect(res.body.error.details).not.toHaveProperty('service')
      expect(ms).toBeLessThan(15_000)
    }
    // Only what was served is charged; every refused call's hold is released.
    for (const [s, b] of senders.entries()) {
      const served = replies[s].filter((r) => r.res.status === 200)
      const cost = served.reduce((sum, r) => sum + (r.res.body.cost as number), 0)
      const after = await balance(b)
      expect(after.held).toBe(0)
      const spent = (a: typeof after) => a.balance - a.pending // sub-cent charges wait in pending
      expect(spent(before[s]) - spent(after)).toBe(cost)
    }
    const admin = await p.admin()
    expect((await admin.call('GET', '/api/admin/status')).body.breakers.ai).toBe('closed')
  }, 60_000)
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveOnLoopback } from '../../test/loopback'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { must } from '../../test/must'

// A loopback AI service whose cost, delay and answers the tests set; it counts the calls that reach it.
// It never has a free cache hit: asked for one before the hold (x-free-only), it answers 204.
const fake = { calls: 0, cost: 700, delayMs: 0, noCost: false }
let ai: Awaited<ReturnType<typeof serveOnLoopback>>
// Between the backend and credit: passes everything, but can refuse the next settles with a 503.
let failSettles = 0
let creditProxy: Awaited<ReturnType<typeof serveOnLoopback>>
let p: PlatformHarness

beforeAll(async () => {
  ai = await serveOnLoopback(async (req) => {
    if (req.headers.get('x-free-only') === 'true') return new Response(null, { status: 204 })
    fake.calls++
    const body = await req.json()
    await new Promise((r) => setTimeout(r, fake.delayMs))
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (!fake.noCost) headers['x-cost-micros'] = String(fake.cost)
    // `translation`: what AI on a card puts on the card's back
    const result = { echo: body, translation: `T:${body.text}` }
    return new Response(JSON.stringify({ result, cost: fake.cost }), { headers })
  })
  p = await platformHarness({
    backendEnv: { AI_URL: ai.url, RATE_LIMIT_AI: '1000/60' },
    creditEnv: { HOLD_SWEEP_INTERVAL_S: '1' },
  })
  creditProxy = await serveOnLoopback(async (req) => {
    const url = new URL(req.url)
    if (url.pathname.endsWith('/settle') && failSettles > 0 && failSettles--)
      return new Response('{}', { status: 503 })
    return fetch(
      new Request(p.credit.url + url.pathname, {
        method: req.method,
        headers: req.headers,
        body: await req.text(),
      }),
    )
  })
})
afterAll(async () => {
  await p?.close()
  await ai?.close()
  await creditProxy?.close()
})

const body = (text: string) => ({ text, from: 'de', to: 'en' })
async function learner() {
  const b = p.browser()
  const { res } = await b.register()
  await b.call('GET', '/api/credits/balance') // this month's grant: 500,000 µ€
  /** A paid call, through the main backend or another one (with the same access token). */
  const send = (key: string | undefined, text: string, path = '/api/ai/translate', via?: string) =>
    (via ? p.browser(via) : b).call('POST', path, {
      body: body(text),
      headers: {
        ...(key ? { 'idempotency-key': key } : {}),
        ...(via ? { authorization: `Bearer ${b.token}` } : {}),
      },
    })
  const money = async () =>
    (await b.call('GET', '/api/credits/balance')).body as {
      balance: number
      held: number
      pending: number
    }
  const spent = async () => {
    const m = await money()
    return 500_000 - m.balance + m.pending
  }
  /** A card with an empty back, and its AI translation (which fills the back) sent with a key. */
  const card = async () => {
    const deck = await b.call('POST', '/api/decks', {
      body: { name: 'Tiere', sourceLang: 'de', targetLang: 'en' },
    })
    const made = await b.call('POST', `/api/decks/${deck.body.id}/cards`, {
      body: { front: 'die Katze' },
    })
    const id = made.body.id as string
    return {
      id,
      translate: (key: string, via?: string) =>
        (via ? p.browser(via) : b).call('POST', `/api/cards/${id}/ai/translate`, {
          body: {},
          headers: {
            'idempotency-key': key,
            ...(via ? { authorization: `Bearer ${b.token}` } : {}),
          },
        }),
      read: async () => ({
        back: (await b.call('GET', `/api/cards/${id}`)).body.back as string,
        history: (await b.call('GET', `/api/cards/${id}/history`)).body.items.length as number,
      }),
    }
  }
  return { b, id: res.body.user.id as string, send, money, spent, card }
}

describe('Idempotency-Key on paid calls', () => {
  it('runs a key once: sends at the same time get 409 with Retry-After; a later send replays the stored answer uncharged', async () => {
    const l = await learner()
    fake.delayMs = 300
    const calls = fake.calls
    const sends = await Promise.all(
      Array.from({ length: 8 }, () => l.send('same-key-0001', 'Haus')),
    )
    fake.delayMs = 0
    // One ran; the others were told it is running (or, on a loaded machine, that the AI limiter's Redis was
    // slow, or — sent after the first was done — got its stored answer).
    const seen = JSON.stringify(sends.map((s) => [s.status, s.headers.get('idempotent-replayed')]))
    const ran = sends.filter((s) => s.status === 200 && !s.headers.get('idempotent-replayed'))
    expect(ran, seen).toHaveLength(1)
    expect(
      sends.every((s) => s.status === 200 || s.status === 409 || s.status === 503),
      seen,
    ).toBe(true)
    const busy = must(sends.find((s) => s.status === 409))
    expect(busy.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS')
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0)
    const first = ran[0]
    for (const s of sends.filter((s) => s.status === 200))
      expect(JSON.stringify(s.body)).toBe(JSON.stringify(first.body))
    const replay = await l.send('same-key-0001', 'Haus')
    expect(fake.calls - calls).toBe(1)
    expect(JSON.stringify(replay.body)).toBe(JSON.stringify(first.body))
    expect(replay.headers.get('x-cost-micros')).toBe('700')
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(await l.spent()).toBe(700)
  })

  it('refuses a used key with another body with 422, running and charging nothing', async () => {
    const l = await learner()
    expect((await l.send('reused-key-01', 'Haus')).status).toBe(200)
    const calls = fake.calls
    const other = await l.send('reused-key-01', 'Baum')
    expect(other.status).toBe(422)
    expect(other.body.error.code).toBe('IDEMPOTENCY_MISMATCH')
    expect((await l.send('reused-key-01', 'Haus', '/api/ai/explain')).status).toBe(422) // another route
    expect(fake.calls).toBe(calls)
    expect(await l.spent()).toBe(700)
  })

  it('scopes a key to its user: another learner with the same key runs its own call', async () => {
    const [a, b] = [await learner(), await learner()]
    expect((await a.send('shared-key-01', 'Haus')).status).toBe(200)
    const theirs = await b.send('shared-key-01', 'Haus')
    expect(theirs.status).toBe(200)
    expect(theirs.headers.get('idempotent-replayed')).toBeNull()
    expect([await a.spent(), await b.spent()]).toEqual([700, 700])
  })
})

describe('what the client is told is what it pays', () => {
  it('charges a cost above the hold in full, and says so in the header and the body', async () => {
    const l = await learner()
    fake.cost = 50_000 // far above what a short translation can cost
    const res = await l.send('low-estimate-1', 'Haus')
    fake.cost = 700
    expect(res.status).toBe(200)
    expect(res.headers.get('x-cost-micros')).toBe('50000')
    expect(res.body.cost).toBe(50_000)
    expect(await l.spent()).toBe(50_000)
    expect(await (await fetch(`${p.credit.url}/metrics`)).text()).toMatch(
      /^credit_overruns_total\{role="credit"\} [1-9]\d*$/m,
    )
  })

  it('charges no more than the balance when the cost is above it, and answers what was charged', async () => {
    const l = await learner()
    fake.cost = 900_000
    const res = await l.send('low-estimate-2', 'Haus')
    fake.cost = 700
    expect([res.headers.get('x-cost-micros'), res.body.cost]).toEqual(['500000', 500_000])
    expect(await l.money()).toMatchObject({ balance: 0, held: 0, pending: 0 })
  })

  it('answers 502 and charges nothing when the service answers 2xx without its cost', async () => {
    const l = await learner()
    fake.noCost = true
    const res = await l.send('no-cost-key-1', 'Haus')
    fake.noCost = false
    expect([res.status, res.body.error.code]).toEqual([502, 'UPSTREAM_FAILED'])
    expect(await l.money()).toMatchObject({ held: 0, pending: 0, balance: 500_000 })
  })
})

describe('when the money path fails', () => {
  it('an expired hold: the answer is dropped, nothing is charged, and the same key runs again', async () => {
    const l = await learner()
    fake.delayMs = 1500
    const slow = l.send('expire-key-01', 'Haus')
    await new Promise((r) => setTimeout(r, 500))
    await p.db.owner.query(
      `update credit.holds set expires_at = now() where status = 'open' and user_id = $1`,
      [l.id],
    )
    const late = await slow
    fake.delayMs = 0
    expect([late.status, late.body.error.code]).toEqual([409, 'HOLD_EXPIRED'])
    expect(await l.money()).toMatchObject({ held: 0, pending: 0, balance: 500_000 })
    const again = await l.send('expire-key-01', 'Haus')
    expect([again.status, again.body.cost]).toEqual([200, 700])
    expect(await l.spent()).toBe(700)
  })

  it('AI on a card whose hold expired: the card is left as it was, nothing is charged, the key runs again', async () => {
    const l = await learner()
    const c = await l.card()
    fake.delayMs = 1500
    const slow = c.translate('card-expire-1')
    await new Promise((r) => setTimeout(r, 500))
    await p.db.owner.query(
      `update credit.holds set expires_at = now() where status = 'open' and user_id = $1`,
      [l.id],
    )
    const late = await slow
    fake.delayMs = 0
    expect([late.status, late.body.error.code]).toEqual([409, 'HOLD_EXPIRED'])
    expect(await c.read()).toEqual({ back: '', history: 0 })
    expect(await l.money()).toMatchObject({ held: 0, pending: 0, balance: 500_000 })
    const again = await c.translate('card-expire-1')
    expect([again.status, again.body.applied, again.body.card.back]).toEqual([
      200,
      'back',
      'T:die Katze',
    ])
    const replay = await c.translate('card-expire-1')
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(JSON.stringify(replay.body)).toBe(JSON.stringify(again.body))
    expect(await c.read()).toEqual({ back: 'T:die Katze', history: 1 })
    expect(await l.spent()).toBe(700)
  })

  it('AI on a card, charged but the card’s commit lost (backend killed between them): a replay makes the change, once', async () => {
    const l = await learner()
    const c = await l.card()
    const first = await c.translate('card-lost-01')
    expect(first.body.applied).toBe('back')
    // The card as it was before the call, as if its transaction had died after credit's commit.
    await p.db.owner.transaction(async (sql) => {
      await sql(`set local session_replication_role = replica`) // no triggers: updated_at and history as before
      await sql(
        `update content.cards set back = '', updated_at = updated_at - interval '1 second' where id = $1`,
        [c.id],
      )
      await sql(`delete from content.card_history where card_id = $1`, [c.id])
    })
    expect(await c.read()).toEqual({ back: '', history: 0 })
    const replay = await c.translate('card-lost-01')
    expect(JSON.stringify(replay.body)).toBe(JSON.stringify(first.body))
    expect(await c.read()).toEqual({ back: 'T:die Katze', history: 1 })
    await c.translate('card-lost-01') // the card is up to date now: nothing more
    expect(await c.read()).toEqual({ back: 'T:die Katze', history: 1 })
    expect(await l.spent()).toBe(700)
  })

  it('says CREDIT_UNAVAILABLE before the work when credit cannot be reached, and runs nothing', async () => {
    const lone = await p.startBackend({ CREDIT_URL: 'http://127.0.0.1:9' })
    const l = await learner()
    const calls = fake.calls
    const res = await l.send(undefined, 'Haus', '/api/ai/translate', lone.url)
    expect([res.status, res.body.error.code]).toEqual([503, 'CREDIT_UNAVAILABLE'])
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(fake.calls).toBe(calls)
  })

  it('retries a settle that failed; gives up with CHARGE_NOT_RECORDED, and the key then answers once charged or runs again', async () => {
    const viaProxy = await p.startBackend({ CREDIT_URL: creditProxy.url })
    const l = await learner()
    failSettles = 2
    const retried = await l.send('settle-key-01', 'Haus', '/api/ai/translate', viaProxy.url)
    expect([retried.status, retried.body.cost]).toEqual([200, 700])
    const c = await l.card()
    failSettles = 1000
    const [lost, lostCard] = await Promise.all([
      l.send('settle-key-02', 'Baum', '/api/ai/translate', viaProxy.url),
      c.translate('settle-card-1', viaProxy.url),
    ])
    failSettles = 0
    expect([lost.status, lost.body.error.code]).toEqual([503, 'CHARGE_NOT_RECORDED'])
    expect([lostCard.status, lostCard.body.error.code]).toEqual([503, 'CHARGE_NOT_RECORDED'])
    expect(await c.read()).toEqual({ back: '', history: 0 }) // its change rolled back with the charge
    expect(await l.spent()).toBe(700) // the second answer was never given, so never charged
    const held = await l.send('settle-key-02', 'Baum')
    expect(held.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS') // its hold is open until it expires
    await p.db.owner.query(
      `update credit.holds set expires_at = now() where status = 'open' and user_id = $1`,
      [l.id],
    )
    await new Promise((r) => setTimeout(r, 2000)) // the sweeper's interval
    const again = await l.send('settle-key-02', 'Baum')
    expect([again.status, again.body.cost]).toEqual([200, 700])
    const cardAgain = await c.translate('settle-card-1')
    expect([cardAgain.status, cardAgain.body.applied]).toEqual([200, 'back'])
    expect(await c.read()).toEqual({ back: 'T:die Katze', history: 1 })
    expect(await l.spent()).toBe(2100)
  }, 40_000)
})

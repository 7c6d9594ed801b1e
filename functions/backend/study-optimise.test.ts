import { default_w } from 'ts-fsrs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CardHistory } from '../../lib/content/fsrs-weights'
import { fsrsOptimiser, score, toItems } from '../../lib/node/fsrs-optimiser'
import { seedReviews as seed, simulate } from '../../test/fsrs-learner'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

describe('FSRS optimiser (fsrs-rs binding)', () => {
  it('fits weights that predict held-out reviews of a known learner better than the defaults', async () => {
    const train = simulate(19, 400, 8)
    const heldOut = toItems(simulate(20, 200, 8) as CardHistory[])
    const fit = await fsrsOptimiser.fit(train)
    expect(fit.weights).toHaveLength(21)
    const defaults = score(heldOut)
    const fitted = score(heldOut, fit.weights)
    expect(fitted.logLoss).toBeLessThan(defaults.logLoss)
    expect(fitted.rmse).toBeLessThan(defaults.rmse)
    // The fit recovers the learner's large first-day stabilities (Good: 8 days, defaults about 2.3).
    expect(fit.weights[2]).toBeGreaterThan(default_w[2] * 1.5)
  })
})

describe('POST /api/study/optimise', () => {
  let p: PlatformHarness
  beforeAll(async () => {
    p = await platformHarness({ backendEnv: { RATE_LIMIT_STANDARD: '100000/60' } })
  })
  afterAll(() => p.close())

  const learnerWithCards = async (n: number) => {
    const b = p.browser()
    await b.register()
    const deck = (
      await b.call('POST', '/api/decks', {
        body: { name: 'Wörter', sourceLang: 'de', targetLang: 'en' },
      })
    ).body
    const cards = Array.from({ length: n }, (_, i) => ({ front: `Wort ${i}` }))
    const added = await b.call('POST', `/api/decks/${deck.id}/cards`, { body: { cards } })
    return { b, cards: added.body.cards as { id: string }[] }
  }
  const seedReviews = (cardIds: string[], perCard: number) => seed(p.db.owner, cardIds, perCard)
  const easyInterval = async (b: ReturnType<PlatformHarness['browser']>) => {
    const q = (await b.call('GET', '/api/study/queue?limit=1')).body
    return q.cards[0].intervals.easy.seconds as number
  }

  it('fits, stores the figures, shows them in the settings and schedules with the weights when better', async () => {
    const { b, cards } = await learnerWithCards(50)
    const reviews = await seedReviews(
      cards.map((c) => c.id),
      24,
    )
    const before = await easyInterval(b)
    const res = await b.call('POST', '/api/study/optimise')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ reviews, inUse: true })
    expect(res.body.fitted.logLoss).toBeLessThan(res.body.default.logLoss)
    expect(res.body.fitted.weights).toHaveLength(21)
    const settings = (await b.call('GET', '/api/study/settings')).body
    expect(settings.optimisation).toEqual(res.body)
    // A new card's first "easy" comes from the learner's weights (w[3]: 20 days for this learner, 8 by default).
    expect(await easyInterval(b)).toBeGreaterThan(before)

    const again = await b.call('POST', '/api/study/optimise')
    expect(again.status).toBe(429)
    expect(again.body.error.details.retryAfter).toBeGreaterThan(3500)
    expect(again.headers.get('retry-after')).toBe(String(again.body.error.details.retryAfter))

    // Weights that predict worse than the defaults stay unused.
    await p.db.owner.query(
      `update content.fsrs_weights set log_loss_fitted = log_loss_default + 0.1 where user_id = (select user_id from content.cards where id = $1)`,
      [cards[0].id],
    )
    expect((await b.call('GET', '/api/study/settings')).body.optimisation.inUse).toBe(false)
    expect(await easyInterval(b)).toBe(before)
  })

  it('refuses fewer than 1,000 reviews with a 400 that says how many, and never reads another learner’s', async () => {
    const other = await learnerWithCards(50)
    await seedReviews(
      other.cards.map((c) => c.id),
      24,
    )
    const { b, cards } = await learnerWithCards(10)
    await seedReviews(
      cards.map((c) => c.id),
      10,
    )
    const res = await b.call('POST', '/api/study/optimise')
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({
      code: 'BAD_REQUEST',
      details: { reviews: 100, required: 1000 },
    })
    expect((await b.call('GET', '/api/study/settings')).body.optimisation).toBeNull()
    expect((await other.b.call('POST', '/api/study/optimise')).status).toBe(200)
    expect((await b.call('GET', '/api/study/settings')).body.optimisation).toBeNull()
    expect((await p.browser().call('POST', '/api/study/optimise')).status).toBe(401)
  })
})

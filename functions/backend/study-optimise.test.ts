import { default_w } from 'ts-fsrs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CardHistory } from '../../lib/content/fsrs-weights'
import {
  fsrsOptimiser,
  score,
  splitByTime,
  toItems,
  withinBounds,
} from '../../lib/node/fsrs-optimiser'
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

  it('refuses a fit that only describes the reviews it was fitted on', async () => {
    // Four perfect recalls a few days apart (an imported history of nothing but Good), then after two months
    // most cards forgotten: the fit learns huge stabilities that the latest reviews, held out, contradict.
    const day = 86_400_000
    const start = Date.UTC(2025, 0, 1)
    const histories = Array.from({ length: 300 }, (_, card) =>
      [0, 1, 3, 7, 67].map((d, i, all) => ({
        grade: i < 4 || card % 3 === 0 ? 3 : 1,
        days: i ? d - all[i - 1] : 0,
        at: start + d * day,
      })),
    )
    const { train, heldOut } = splitByTime(histories)
    expect(heldOut).toHaveLength(300)
    const fit = await fsrsOptimiser.fit(histories)
    const trainItems = toItems(train)
    expect(score(trainItems, fit.weights).logLoss).toBeLessThan(score(trainItems).logLoss)
    expect(fit.fitted.logLoss).toBeGreaterThan(fit.default.logLoss)
  })

  it('knows ts-fsrs’s bounds for each weight', () => {
    expect(withinBounds([...default_w])).toBe(true)
    expect(withinBounds([0.001, 0.89, 100, 100, ...default_w.slice(4)])).toBe(true)
    expect(withinBounds([0.001, 0.89, 100, 101, ...default_w.slice(4)])).toBe(false)
    expect(withinBounds([...default_w.slice(0, 20), Number.NaN])).toBe(false)
    expect(withinBounds([...default_w.slice(0, 19)])).toBe(false)
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FORECAST_MAX_CARDS, FORECAST_RETENTIONS } from '../../lib/content/limits'
import { TRUE_W } from '../../test/fsrs-learner'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

describe('GET /api/decks/:id/retention-forecast', () => {
  let p: PlatformHarness
  beforeAll(async () => {
    p = await platformHarness({ backendEnv: { RATE_LIMIT_STANDARD: '100000/60' } })
  })
  afterAll(() => p.close())

  /** A learner's deck of `n` cards (added straight into the database), the first `studied` of them reviewed. */
  const learnerWithDeck = async (n: number, studied: number) => {
    const b = p.browser()
    await b.register()
    const deck = (
      await b.call('POST', '/api/decks', {
        body: { name: 'Wörter', sourceLang: 'de', targetLang: 'en' },
      })
    ).body
    await b.call('POST', `/api/decks/${deck.id}/cards`, { body: { front: 'Wort' } })
    // Copies of that card, each with its own note; the studied ones were last seen i % 20 days ago at stability
    // 5 + i % 40 and are due from 10 days ago to 19 days ahead.
    await p.db.owner.query(
      `with c as (select * from content.cards where deck_id = $1),
       n as (insert into content.notes (user_id, deck_id, type, fields)
         select c.user_id, c.deck_id, 'basic', jsonb_build_object('front', i) from c, generate_series(1, $3) i
         returning id, (fields->>'front')::int as i)
       insert into content.cards (user_id, deck_id, note_id, front, fsrs, due, state)
       select c.user_id, c.deck_id, n.id, 'Wort ' || i,
         case when i <= $2 then c.fsrs || jsonb_build_object('stability', 5 + i % 40, 'difficulty', 1 + i % 9,
           'state', 2, 'last_review', now() - make_interval(days => i % 20)) else c.fsrs end,
         case when i <= $2 then now() + make_interval(days => i % 30 - 10) else c.due end,
         case when i <= $2 then 2 else 0 end
       from c, n`,
      [deck.id, studied, n],
    )
    await p.db.owner.query(
      `delete from content.notes where deck_id = $1 and fields ? 'front' and jsonb_typeof(fields->'front') = 'string'`,
      [deck.id],
    )
    return { b, deck }
  }

  it('answers reviews a day and cards remembered at each retention, fewer reviews at lower ones', async () => {
    const { b, deck } = await learnerWithDeck(400, 300)
    const res = await b.call('GET', `/api/decks/${deck.id}/retention-forecast`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      weights: 'default',
      grades: 'default',
      desiredRetention: 0.9,
      cards: 400,
      simulated: 2000, // five copies of a small deck
      days: 365,
    })
    const rows = res.body.forecast as {
      retention: number
      reviewsPerDay: number
      memorised: number
    }[]
    expect(rows.map((r) => r.retention)).toEqual(FORECAST_RETENTIONS)
    // The cards' ids (random here) order the sample and its draws, so only the trend is the same every run;
    // lib/content/workload-simulation.test.ts checks every step on a fixed deck.
    const at = (r: number) => rows[FORECAST_RETENTIONS.indexOf(r)].reviewsPerDay
    expect(at(0.8)).toBeLessThan(at(0.85))
    expect(at(0.85)).toBeLessThan(at(0.9))
    expect(at(0.9)).toBeLessThan(at(0.95))
    expect(rows[rows.length - 1].memorised).toBeLessThanOrEqual(400)
    // The same deck gives the same table (seeded).
    expect((await b.call('GET', `/api/decks/${deck.id}/retention-forecast`)).body).toEqual(res.body)
  })

  it('simulates with the learner’s fitted weights when the scheduler uses them, and adds the deck’s own retention', async () => {
    const { b, deck } = await learnerWithDeck(300, 0)
    const before = (await b.call('GET', `/api/decks/${deck.id}/retention-forecast`)).body
    // This learner's first stabilities are far above the defaults (test/fsrs-learner.ts): fewer reviews.
    await p.db.owner.query(
      `insert into content.fsrs_weights (user_id, weights, reviews, log_loss_default, rmse_default, log_loss_fitted, rmse_fitted)
       select user_id, $2, 1000, 0.5, 0.1, 0.4, 0.05 from content.decks where id = $1`,
      [deck.id, TRUE_W],
    )
    await b.call('PATCH', `/api/decks/${deck.id}`, { body: { desiredRetention: 0.97 } })
    const after = (await b.call('GET', `/api/decks/${deck.id}/retention-forecast`)).body
    expect(after).toMatchObject({ weights: 'fitted', desiredRetention: 0.97 })
    expect(after.forecast.map((r: { retention: number }) => r.retention)).toEqual([
      ...FORECAST_RETENTIONS,
      0.97,
    ])
    const at90 = (f: typeof before) =>
      f.forecast.find((r: { retention: number }) => r.retention === 0.9).reviewsPerDay
    expect(at90(after)).toBeLessThan(at90(before))
  })

  it('draws grades as often as the learner gave them, once there are enough', async () => {
    const { b, deck } = await learnerWithDeck(300, 200)
    const forecast = async () =>
      (await b.call('GET', `/api/decks/${deck.id}/retention-forecast`)).body
    const before = await forecast()
    // 120 new cards all answered good, 120 reviews all answered easy (Anki's defaults: a third again or hard).
    await p.db.owner.query(
      `insert into content.reviews (user_id, card_id, deck_id, grade, duration_ms, was_new, state_before, state_after, version_before, reviewed_at)
       select c.user_id, c.id, c.deck_id, case when g <= 120 then 3 else 4 end, 1000, g <= 120,
         jsonb_build_object('state', case when g <= 120 then 0 else 2 end), '{}', 0, now() - g * interval '1 minute'
       from content.cards c, generate_series(1, 240) g where c.deck_id = $1 limit 240`,
      [deck.id],
    )
    const after = await forecast()
    expect([before.grades, after.grades]).toEqual(['default', 'learner'])
    const at90 = (f: typeof before) =>
      f.forecast.find((r: { retention: number }) => r.retention === 0.9).reviewsPerDay
    expect(at90(after)).toBeLessThan(at90(before))
  })

  it(`simulates a sample of ${FORECAST_MAX_CARDS} cards of a larger deck, and hides another learner’s deck`, async () => {
    const { b, deck } = await learnerWithDeck(FORECAST_MAX_CARDS + 500, 8000)
    const res = await b.call('GET', `/api/decks/${deck.id}/retention-forecast`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      cards: FORECAST_MAX_CARDS + 500,
      simulated: FORECAST_MAX_CARDS,
    })
    const other = p.browser()
    await other.register()
    const hidden = await other.call('GET', `/api/decks/${deck.id}/retention-forecast`)
    expect(hidden.status).toBe(404)
    expect(JSON.stringify(hidden.body)).not.toContain('reviewsPerDay')
  })
})

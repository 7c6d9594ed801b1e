import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../log'
import { createNodeMetrics } from '../node/metrics'
import { fsrsOptimiser } from '../node/fsrs-optimiser'
import { seedReviews } from '../../test/fsrs-learner'
import { type TestDatabase, testDatabase } from '../../test/testing'
import { refitDueLearners } from './fsrs-refits'
import type { Optimiser } from './fsrs-weights'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 5, 1)
let t: TestDatabase
let n = 0

beforeAll(async () => {
  t = await testDatabase()
})
afterAll(() => t.close())

/** A learner with `cards` cards of their own, each reviewed `perCard` times (a seeded simulation). */
async function learner(cards: number, perCard: number, seed = n + 1) {
  const id = `FSRSA${String(++n).padStart(5, '0')}`
  await t.owner.query(`insert into public.users (id, email, name) values ($1, $2, 'L')`, [
    id,
    `${id.toLowerCase()}@refit.test`,
  ])
  const cardIds = await addCards(id, cards)
  await seedReviews(t.owner, cardIds, perCard, seed)
  return { id, cardIds }
}
async function addCards(userId: string, count: number) {
  const rows = (await t.owner.query(
    `with d as (insert into content.decks (user_id, name, source_lang, target_lang) values ($1, 'd', 'de', 'en') returning id),
     n as (insert into content.notes (user_id, deck_id, type, fields)
           select $1, d.id, 'basic', jsonb_build_object('front', 'w' || i, 'back', '') from d, generate_series(1, $2) i returning id, deck_id)
     insert into content.cards (user_id, deck_id, note_id, front, fsrs, due)
     select $1, n.deck_id, n.id, 'w', '{}', now() from n returning id`,
    [userId, count],
  )) as { id: string }[]
  return rows.map((r) => r.id)
}
const fits = async (userId: string) =>
  (await t.owner.query(`select reviews, fitted_at from content.fsrs_weights where user_id = $1`, [
    userId,
  ])) as { reviews: number; fitted_at: Date }[]

function pass(at: number, optimiser: Optimiser = fsrsOptimiser) {
  const lines: string[] = []
  const metrics = createNodeMetrics('backend')
  const run = refitDueLearners({
    db: t.as('lingudesk_backend'),
    optimiser,
    config: { FSRS_REFIT_INTERVAL_S: 60, FSRS_REFIT_BATCH: 10 },
    log: createLogger('backend', 'info', (l) => lines.push(l)),
    metrics,
    now: () => at,
  })
  return run.then(async (fitted) => ({ fitted, lines, metrics: (await metrics.render()).body }))
}

describe('automatic FSRS refits', () => {
  it('fits a learner at 1,000 reviews, again after 4,000 more or a month, and never one with fewer', async () => {
    const few = await learner(10, 10)
    const a = await learner(37, 27) // 999 reviews
    expect((await pass(T0)).fitted).toBe(0)

    await seedReviews(t.owner, a.cardIds.slice(0, 1), 1, 99) // the 1,000th
    const first = await pass(T0)
    expect(first.fitted).toBe(1)
    expect(first.metrics).toMatch(/fsrs_refits_total\{outcome="fitted",role="backend"\} 1/)
    expect(await fits(a.id)).toEqual([{ reviews: 1000, fitted_at: new Date(T0) }])
    expect((await pass(T0 + 2 * DAY)).fitted).toBe(0)

    // 4,000 more, one of them undone: 3,999 since the fit, not yet due.
    await seedReviews(t.owner, await addCards(a.id, 100), 40, 5)
    await t.owner.query(
      `update content.reviews set undone_at = now() where id = (select id from content.reviews where user_id = $1 limit 1)`,
      [a.id],
    )
    expect((await pass(T0 + 3 * DAY)).fitted).toBe(0)
    await seedReviews(t.owner, a.cardIds.slice(0, 1), 1, 98)
    expect((await pass(T0 + 3 * DAY)).fitted).toBe(1)
    expect((await fits(a.id))[0].reviews).toBe(5000)

    expect((await pass(T0 + 32 * DAY)).fitted).toBe(0) // 29 days after the last fit
    expect((await pass(T0 + 34 * DAY)).fitted).toBe(1)
    expect(await fits(a.id)).toEqual([{ reviews: 5000, fitted_at: new Date(T0 + 34 * DAY) }])
    expect(await fits(few.id)).toEqual([])
  })

  it('logs and counts a failed fit, and leaves that learner until the lease ends', async () => {
    const b = await learner(50, 24, 7) // seed 3's history the binding finds too thin to evaluate
    const failing: Optimiser = { fit: () => Promise.reject(new Error('binding crashed')) }
    const failed = await pass(T0, failing)
    expect(failed.fitted).toBe(0)
    expect(failed.metrics).toMatch(/fsrs_refits_total\{outcome="failed",role="backend"\} 1/)
    expect(failed.lines.join('\n')).toContain(`"userId":"${b.id}"`)
    expect(failed.lines.join('\n')).toContain('binding crashed')
    expect((await pass(T0 + 3_600_000)).fitted).toBe(0)
    expect((await pass(T0 + 2 * DAY)).fitted).toBe(1)
    expect(await fits(b.id)).toHaveLength(1)
  })
})

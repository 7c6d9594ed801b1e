import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { must } from '../../test/must'

// A database of this file's own, seeded with a week whose every figure is known.
let p: PlatformHarness
let admin: Awaited<ReturnType<PlatformHarness['admin']>>
const DAY = 86_400_000
const day = (ago: number) =>
  new Date(Math.floor(Date.now() / DAY) * DAY - ago * DAY).toISOString().slice(0, 10)
const at = (ago: number, hour = 12) => `${day(ago)}T${String(hour).padStart(2, '0')}:00:00Z`

beforeAll(async () => {
  p = await platformHarness({ aiEnv: {} })
  admin = await p.admin() // signs up and is active today, like any learner
  const q = (sql: string, params: unknown[] = []) => p.db.owner.query(sql, params)
  await q(
    `insert into public.users (id, email, name, created_at) values
    ('STATSAAAA1', 'a@stats.test', 'A', $1), ('STATSAAAA2', 'b@stats.test', 'B', $1), ('STATSAAAA3', 'c@stats.test', 'C', $2),
    ('STATSAAAA4', 'old@stats.test', 'Old', $3)`,
    [at(0, 0), at(2), at(40)],
  )
  await q(`update public.users set email_verified_at = now() where id = 'STATSAAAA1'`)
  await q(
    `insert into auth.active_days (day, user_id) values ($1, 'STATSAAAA1'), ($1, 'STATSAAAA2'), ($2, 'STATSAAAA1'), ($2, 'STATSAAAA3'), ($3, 'STATSAAAA4')`,
    [day(0), day(1), day(30)],
  )
  // Each learner reviews a card of their own: the database refuses a review on another learner's card.
  const cards = new Map<string, { id: string; deck_id: string }>()
  for (const user of ['STATSAAAA1', 'STATSAAAA2']) {
    const [deck] = await q(
      `insert into content.decks (user_id, name, source_lang, target_lang) values ($1, 'd', 'en', 'de') returning id`,
      [user],
    )
    const [card] = await q(
      `with n as (insert into content.notes (user_id, deck_id, type, fields) values ($1, $2, 'basic', '{"front": "f", "back": ""}') returning id)
       insert into content.cards (user_id, deck_id, note_id, front, fsrs, due) select $1, $2, n.id, 'f', '{}', now() from n returning id, deck_id`,
      [user, deck.id],
    )
    cards.set(user, card as { id: string; deck_id: string })
  }
  const review = (user: string, when: string, undone = false) =>
    q(
      `insert into content.reviews (user_id, card_id, deck_id, grade, duration_ms, was_new, state_before, state_after, version_before, reviewed_at, undone_at)
       values ($1, $2, $3, 3, 1000, false, '{}', '{}', 0, $4, $5)`,
      [user, must(cards.get(user)).id, must(cards.get(user)).deck_id, when, undone ? when : null],
    )
  for (const r of [
    ['STATSAAAA1', at(0)],
    ['STATSAAAA1', at(0)],
    ['STATSAAAA2', at(0)],
    ['STATSAAAA2', at(1)],
  ] as const)
    await review(r[0], r[1])
  await review('STATSAAAA1', at(0), true) // undone: not counted
  await q(
    `insert into credit.accounts (user_id, user_type, subscription_id, subscription_status) values ('STATSAAAA1', 'plus', 'sub_1', 'active')`,
  )
  await q(
    `insert into credit.accounts (user_id, comp_type, comp_until) values ('STATSAAAA2', 'premium', now() + interval '9 days'), ('STATSAAAA3', 'plus', now() - interval '1 day')`,
  )
  await q(
    `insert into credit.transactions (user_id, kind, amount, balance_after, idempotency_key, actor, created_at) values
    ('STATSAAAA1', 'grant', 5000000, 5000000, 'g1', 'system', $1), ('STATSAAAA1', 'debit', -30000, 4970000, 'd1', 'system', $1),
    ('STATSAAAA1', 'refund', 10000, 4980000, 'r1', 'x', $2)`,
    [at(1), at(0)],
  )
  const paddle = (id: string, type: string, when: string, total: string) =>
    q(
      `insert into credit.paddle_events (event_id, event_type, occurred_at, payload) values ($1, $2, $3, $4)`,
      [
        id,
        type,
        when,
        JSON.stringify({
          data: { currency_code: 'EUR', details: { totals: { grand_total: total } } },
        }),
      ],
    )
  await paddle('evt_1', 'transaction.completed', at(1), '1999')
  await paddle('evt_2', 'transaction.completed', at(0), '500')
  await paddle('evt_3', 'subscription.updated', at(0), '99999')
  // STATSAAAA1's fitted weights predict better than the defaults (in use), STATSAAAA2's do not.
  await q(
    `insert into content.fsrs_weights (user_id, weights, reviews, log_loss_default, rmse_default, log_loss_fitted, rmse_fitted)
     select u, array_fill(1.0::float8, array[21]), 1000, 0.35, 0.1, f, 0.1 from (values ('STATSAAAA1', 0.34), ('STATSAAAA2', 0.36)) x(u, f)`,
  )
  await q(
    `insert into ai.requests (user_id, operation, plugin, model, cache_hit, cost, latency_ms, outcome, created_at) values
    ('STATSAAAA1', 'translate', 'offline', 'm', false, 1000, 1, 'ok', $1), ('STATSAAAA2', 'image', 'offline', 'm', false, 2500, 1, 'ok', $1),
    ('STATSAAAA2', 'image', 'offline', 'm', false, 700, 1, 'ok', $2)`,
    [at(0), at(3)],
  )
})
afterAll(() => p.close())

describe('GET /api/admin/stats', () => {
  it('answers the seeded week exactly', async () => {
    const res = await admin.call('GET', '/api/admin/stats?days=4')
    expect(res.status).toBe(200)
    const none = { granted: 0, purchased: 0, spent: 0, refunded: 0 }
    expect(res.body.daily).toEqual([
      {
        day: day(3),
        activeLearners: 0,
        reviews: 0,
        reviewers: 0,
        signups: 0,
        revenue: {},
        credits: none,
        aiCalls: 1,
        aiCost: 700,
      },
      {
        day: day(2),
        activeLearners: 0,
        reviews: 0,
        reviewers: 0,
        signups: 1,
        revenue: {},
        credits: none,
        aiCalls: 0,
        aiCost: 0,
      },
      {
        day: day(1),
        activeLearners: 2,
        reviews: 1,
        reviewers: 1,
        signups: 0,
        revenue: { EUR: 1999 },
        credits: { ...none, granted: 5_000_000, spent: 30_000 },
        aiCalls: 0,
        aiCost: 0,
      },
      {
        day: day(0),
        activeLearners: 3,
        reviews: 3,
        reviewers: 2,
        signups: 3,
        revenue: { EUR: 500 },
        credits: { ...none, refunded: 10_000 },
        aiCalls: 2,
        aiCost: 3500,
      },
    ])
    expect(res.body.totals).toEqual({
      users: 5,
      disabled: 0,
      verified: 2, // STATSAAAA1 and the admin, whose sign-up verified the address
      activeInWindow: 4,
      usersByType: { plus: 1, premium: 1, free: 1 },
      payingByPlan: { plus: { paddle: 1 }, premium: { manual: 1 } },
      fsrsOptimised: { fitted: 2, inUse: 1 },
    })
    expect(res.body.topSpenders).toEqual([{ userId: 'STATSAAAA1', spent: 30_000 }])
  })

  it('counts a learner active on a day they refresh, however much they use', async () => {
    const l = p.browser()
    const { res } = await l.register()
    for (let i = 0; i < 3; i++) await l.call('POST', '/api/auth/refresh')
    const stats = await admin.call('GET', '/api/admin/stats?days=1')
    expect(stats.body.daily[0].activeLearners).toBe(4)
    expect(stats.body.totals.activeInWindow).toBe(4)
    expect(res.body.user.id).toBeTruthy()
  })

  it('refuses a bad window with 400', async () => {
    const res = await admin.call('GET', '/api/admin/stats?days=400')
    expect(res.body.error.details).toEqual([{ path: 'days', message: expect.any(String) }])
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../lib/config'
import { ensureMonthlyGrant } from '../../lib/credit/grants'
import { account, charge } from '../../lib/credit/ledger'
import { asService } from '../../lib/db/tx'
import { creditState, seedLearner } from '../../test/credit-seed'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({ creditEnv: { GRANT_FREE: '0' } })
})
afterAll(() => p.close())

const CENT = 10_000
const creditDb = () => p.db.as('lingudesk_credit')
const seedUser = (balance: number) => seedLearner(p.db, balance)
const state = (userId: string) => creditState(p.db, userId)

describe('debits under concurrency', () => {
  it('200 concurrent 1-cent charges against 50 cents: exactly 50 succeed, balance 0, 50 ledger debits', async () => {
    const user = await seedUser(50 * CENT)
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        p.service('credit', '/internal/charges', {
          body: { userId: user, amount: CENT, key: `c1:${user}:${i}` },
        }),
      ),
    )
    expect(replies.filter((r) => r.status === 200)).toHaveLength(50)
    expect(replies.filter((r) => r.status === 402)).toHaveLength(150)
    const s = await state(user)
    expect(s).toMatchObject({ balance: 0, pending: 0, held: 0 })
    expect(s.debits).toHaveLength(50)
    expect(s.debits.every((d) => d === -CENT)).toBe(true)
  })

  it('200 concurrent requests over 20 idempotency keys: 20 charges, and replays get the same answer', async () => {
    const user = await seedUser(100 * CENT)
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        p.service('credit', '/internal/charges', {
          body: { userId: user, amount: CENT, key: `k20:${user}:${i % 20}` },
        }),
      ),
    )
    expect(replies.every((r) => r.status === 200)).toBe(true)
    for (let k = 0; k < 20; k++) {
      const answers = replies.filter((_, i) => i % 20 === k).map((r) => JSON.stringify(r.body))
      expect(new Set(answers).size).toBe(1)
    }
    const [{ n }] = await p.db.owner.query<{ n: string }>(
      `select count(*) as n from credit.charges where user_id = $1`,
      [user],
    )
    expect(Number(n)).toBe(20)
    expect(await state(user)).toMatchObject({ balance: 80 * CENT, pending: 0 })
  })
})

describe('micro-charge aggregation', () => {
  it('10,000 random sub-cent charges: ledger debits + carried remainder == the exact sum', async () => {
    const user = await seedUser(1_000_000 * CENT)
    let sum = 0
    let i = 0
    while (i < 10_000) {
      const batch = 1 + Math.floor(Math.random() * 100)
      await asService(creditDb(), async (sql) => {
        for (let j = 0; j < batch && i < 10_000; j++, i++) {
          const amount = 1 + Math.floor(Math.random() * (CENT - 1))
          sum += amount
          await charge(sql, { userId: user, amount, key: `agg:${user}:${i}`, threshold: CENT })
        }
      })
    }
    const s = await state(user)
    expect(-s.debits.reduce((a, b) => a + b, 0) + s.pending).toBe(sum)
    expect(s.pending).toBeLessThan(CENT)
    expect(s.debits.every((d) => d % CENT === 0)).toBe(true)
  }, 120_000)
})

describe('monthly grants', () => {
  it('grant once per month and type; with GRANT_EXPIRES the unused part of an earlier month expires', async () => {
    const config = loadConfig('credit', { ...p.env, GRANT_FREE: '500000', GRANT_EXPIRES: 'true' })
    const user = await seedUser(0)
    const grant = (iso: string) =>
      asService(creditDb(), async (sql) =>
        ensureMonthlyGrant(sql, config, await account(sql, user), Date.parse(iso)),
      )
    await grant('2026-10-15T12:00:00Z')
    await grant('2026-10-20T12:00:00Z') // same month: nothing new
    await asService(creditDb(), (sql) =>
      charge(sql, { userId: user, amount: 12 * CENT, key: `g:${user}`, threshold: CENT }),
    )
    await grant('2026-11-02T12:00:00Z')
    await grant('2026-11-03T12:00:00Z')
    const rows = await p.db.owner.query<{ kind: string; amount: string }>(
      `select kind, amount from credit.transactions where user_id = $1 order by created_at, kind`,
      [user],
    )
    const byKind = (k: string) => rows.filter((r) => r.kind === k).map((r) => Number(r.amount))
    expect(byKind('grant')).toEqual([500_000, 500_000])
    expect(byKind('expiry')).toEqual([-380_000]) // October's grant less what was available to expire
    expect((await state(user)).balance).toBe(500_000)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

let p: PlatformHarness
let admin: ReturnType<PlatformHarness['browser']>
beforeAll(async () => {
  p = await platformHarness({ creditEnv: { GRANT_FREE: '500000' } })
  admin = await p.admin()
})
afterAll(() => p.close())

const CENT = 10_000
async function userWithDebit() {
  const b = p.browser()
  const { res } = await b.register()
  expect((await b.call('GET', '/api/credits/balance')).body).toMatchObject({
    balance: 500_000,
    available: 500_000,
    userType: 'free',
  })
  const userId = res.body.user.id
  await p.service('credit', '/internal/charges', {
    body: { userId, amount: 30 * CENT, key: `use:${userId}` },
  })
  const history = await b.call('GET', '/api/credits/history?limit=1')
  return { b, userId, debit: history.body.items[0] }
}

describe('user credit API', () => {
  it('shows the monthly grant once, and the history a page at a time', async () => {
    const { b, debit } = await userWithDebit()
    expect(debit).toMatchObject({ kind: 'debit', amount: -30 * CENT })
    expect((await b.call('GET', '/api/credits/balance')).body.balance).toBe(200_000)
    const first = await b.call('GET', '/api/credits/history?limit=1')
    const second = await b.call(
      'GET',
      `/api/credits/history?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    )
    expect(second.body.items[0].kind).toBe('grant')
    expect(second.body.nextCursor).toBeNull()
    expect((await b.call('GET', '/api/credits/history?cursor=garbage')).status).toBe(400)
  })

  it('tells the SPA when checkout is not configured', async () => {
    const { b } = await userWithDebit()
    expect((await b.call('GET', '/api/credits/checkout')).body).toMatchObject({
      configured: false,
      clientToken: null,
    })
  })
})

describe('admin', () => {
  it('refunds never exceed the debit, even when sent concurrently, and a double submit refunds once', async () => {
    const { userId, debit } = await userWithDebit()
    const refund = (amount: number, key: string) =>
      admin.call('POST', '/api/admin/refunds', {
        body: { transactionId: debit.id, amount, reason: 'failed call', key },
      })
    const racing = await Promise.all([
      refund(20 * CENT, `r1:${userId}`),
      refund(20 * CENT, `r2:${userId}`),
    ])
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409])
    const twice = await Promise.all([
      refund(5 * CENT, `r3:${userId}`),
      refund(5 * CENT, `r3:${userId}`),
    ])
    expect(twice[0].body.id).toBe(twice[1].body.id)
    const rows = await p.db.owner.query<{ amount: string }>(
      `select amount from credit.transactions where refund_of = $1 order by amount`,
      [debit.id],
    )
    expect(rows.map((r) => Number(r.amount))).toEqual([5 * CENT, 20 * CENT])
    const over = await refund(6 * CENT, `r4:${userId}`)
    expect(over.body.error).toMatchObject({ code: 'CONFLICT', details: { refundable: 5 * CENT } })
    // The console offers a refund only while some is left: the search says how much.
    const left = async () =>
      (await admin.call('GET', `/api/admin/transactions?userId=${userId}&kind=debit`)).body.items[0]
        .refundable
    expect(await left()).toBe(5 * CENT)
    expect((await refund(5 * CENT, `r5:${userId}`)).status).toBe(201)
    expect(await left()).toBe(0)
    const audits = await p.db.owner.query<{ details: Record<string, unknown> }>(
      `select details from audit.events where action = 'admin.refund' and subject_id = $1 order by at limit 2`,
      [userId],
    )
    expect(audits.map((a) => a.details)).toEqual([
      expect.objectContaining({
        reason: 'failed call',
        before: { balance: 200_000 },
        after: { balance: 400_000 },
        amount: 20 * CENT,
      }),
      expect.objectContaining({
        reason: 'failed call',
        before: { balance: 400_000 },
        after: { balance: 450_000 },
        amount: 5 * CENT,
      }),
    ])
  })

  it('adjusts with a reason, never below zero, and only admins may', async () => {
    const { b, userId } = await userWithDebit()
    const body = { userId, amount: -300 * CENT, reason: 'too much', key: `adj:${userId}` }
    expect((await b.call('POST', '/api/admin/adjustments', { body })).status).toBe(403)
    expect((await admin.call('POST', '/api/admin/adjustments', { body })).status).toBe(402)
    expect(
      (await admin.call('POST', '/api/admin/adjustments', { body: { ...body, amount: 7 * CENT } }))
        .status,
    ).toBe(201)
    expect(
      (
        await admin.call('POST', '/api/admin/adjustments', {
          body: { ...body, userId: '0000000000', key: `adj0:${userId}` },
        })
      ).status,
    ).toBe(404)
    const [row] = await p.db.owner.query<{ details: Record<string, unknown> }>(
      `select details from audit.events where action = 'admin.adjustment' and subject_id = $1`,
      [userId],
    )
    expect(row.details).toMatchObject({
      reason: 'too much',
      before: { balance: 200_000 },
      after: { balance: 270_000 },
    })
  })

  it('searches transactions by email and kind, and exports CSV', async () => {
    const { b } = await userWithDebit()
    const me = await b.call('GET', '/api/whoami')
    const found = await admin.call(
      'GET',
      `/api/admin/transactions?email=${encodeURIComponent(me.body.email)}&kind=debit`,
    )
    expect(found.body.items).toHaveLength(1)
    expect(found.body.items[0]).toMatchObject({ userId: me.body.id, kind: 'debit' })
    const csv = await fetch(
      `${p.backend.url}/api/admin/transactions?userId=${me.body.id}&format=csv`,
      {
        headers: { authorization: `Bearer ${admin.token}`, 'x-forwarded-for': admin.ip },
      },
    )
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const lines = (await csv.text()).split('\r\n').filter(Boolean)
    expect(lines[0]).toContain('amount_micros')
    expect(lines).toHaveLength(3) // header, debit, grant
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { paddleEvent, paddleSignature, sendPaddle } from '../../test/paddle'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

const OLD = 'pdl_ntfset_old_secret_0123456789'
const NEW = 'pdl_ntfset_new_secret_9876543210'
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({
    creditEnv: {
      PADDLE_WEBHOOK_SECRETS: `${OLD},${NEW}`,
      PADDLE_PLAN_PRICES: 'pri_plus:plus,pri_premium:premium',
      PADDLE_TOPUP_PRICES: 'pri_top5:5000000',
      GRANT_FREE: '0',
      GRANT_PLUS: '0',
      GRANT_PREMIUM: '0',
    },
  })
})
afterAll(() => p.close())

const sign = paddleSignature
const event = paddleEvent
const send = (raw: string, signature?: string) => sendPaddle(p.backend.url, raw, signature)
const account = async (userId: string) =>
  (
    await p.db.owner.query<{ user_type: string; balance: string }>(
      `select user_type, balance from credit.accounts where user_id = $1`,
      [userId],
    )
  )[0]
const events = async () =>
  Number(
    (await p.db.owner.query<{ n: string }>(`select count(*) as n from credit.paddle_events`))[0].n,
  )

describe('POST /api/webhooks/paddle', () => {
  it('applies a signed subscription: the user type changes and the next access token carries it', async () => {
    const b = p.browser()
    const { res } = await b.register()
    const raw = event('subscription.created', res.body.user.id, {
      id: 'sub_1',
      status: 'active',
      items: [{ price: { id: 'pri_plus' }, quantity: 1 }],
    })
    const answer = await send(raw, sign(raw, NEW))
    expect(answer.status).toBe(200)
    expect((await account(res.body.user.id)).user_type).toBe('plus')
    await b.call('POST', '/api/auth/refresh', { auth: false })
    expect((await b.call('GET', '/api/whoami')).body).toMatchObject({
      role: 'plus',
      userType: 'plus',
    })
  })

  it('refuses a missing signature, a tampered body and an old timestamp, with no effect', async () => {
    const { res } = await p.browser().register()
    const raw = event('transaction.completed', res.body.user.id, {
      id: 'txn_t',
      items: [{ price: { id: 'pri_top5' }, quantity: 1 }],
    })
    const before = await events()
    expect((await send(raw)).status).toBe(401)
    expect((await send(raw.replace('"quantity":1', '"quantity":9'), sign(raw, NEW))).status).toBe(
      401,
    )
    expect((await send(raw, sign(raw, NEW, Math.floor(Date.now() / 1000) - 10))).status).toBe(401)
    expect((await send(raw, sign(raw, 'some other secret'))).status).toBe(401)
    expect(await events()).toBe(before)
    expect(await account(res.body.user.id)).toBeUndefined()
  })

  it('accepts the previous secret during rotation, and any matching h1', async () => {
    const { res } = await p.browser().register()
    const raw = event('transaction.completed', res.body.user.id, {
      id: 'txn_rot',
      items: [{ price: { id: 'pri_top5' }, quantity: 1 }],
    })
    const ts = Math.floor(Date.now() / 1000)
    const header = `ts=${ts};h1=${'0'.repeat(64)};h1=${sign(raw, OLD, ts).split('h1=')[1]}`
    expect((await send(raw, header)).status).toBe(200)
    expect(Number((await account(res.body.user.id)).balance)).toBe(5_000_000)
  })

  it('takes effect once when the same event arrives 10 times at once', async () => {
    const { res } = await p.browser().register()
    const raw = event('transaction.completed', res.body.user.id, {
      id: 'txn_10x',
      items: [{ price: { id: 'pri_top5' }, quantity: 2 }],
    })
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(raw, sign(raw, NEW))))
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200))
    const purchases = await p.db.owner.query(
      `select amount from credit.transactions where user_id = $1 and kind = 'purchase'`,
      [res.body.user.id],
    )
    expect(purchases).toEqual([{ amount: '10000000' }])
  })

  it('credits one transaction delivered under 10 event ids once, and only that answer and metric say applied', async () => {
    const { res } = await p.browser().register()
    const applied = async () =>
      Number(
        (await (await fetch(`${p.credit.url}/metrics`)).text()).match(
          /^paddle_events_total\{outcome="applied",role="credit"\} (\d+)$/m,
        )?.[1] ?? 0,
      )
    const before = await applied()
    const raws = Array.from({ length: 10 }, () =>
      event('transaction.completed', res.body.user.id, {
        id: 'txn_ids',
        items: [{ price: { id: 'pri_top5' }, quantity: 1 }],
      }),
    )
    const answers = await Promise.all(
      raws.map(async (raw) => (await send(raw, sign(raw, NEW))).json()),
    )
    expect(answers.filter((a) => 'applied' in a)).toEqual([
      { received: true, applied: 'credited 5000000' },
    ])
    expect(answers.filter((a) => a.duplicate === 'transaction already credited')).toHaveLength(9)
    expect(Number((await account(res.body.user.id)).balance)).toBe(5_000_000)
    expect((await applied()) - before).toBe(1)
  })

  it('ignores an event older than the state already applied', async () => {
    const { res } = await p.browser().register()
    const id = res.body.user.id
    const newer = event(
      'subscription.updated',
      id,
      { id: 'sub_o', status: 'active', items: [{ price: { id: 'pri_premium' }, quantity: 1 }] },
      '2026-11-20T10:00:00Z',
    )
    const older = event(
      'subscription.canceled',
      id,
      { id: 'sub_o', status: 'canceled', items: [] },
      '2026-11-20T09:00:00Z',
    )
    await send(newer, sign(newer, NEW))
    const late = await send(older, sign(older, NEW))
    expect(late.status).toBe(200)
    expect((await account(id)).user_type).toBe('premium')
  })
})

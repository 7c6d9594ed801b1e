import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { must } from '../../test/must'
import { paddleEvent, paddleSignature, sendPaddle } from '../../test/paddle'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

// Issue 16: a plan change used to be told to auth after the commit, and lost for good when auth was down.
// Each role is its own Node process here: auth is killed during the webhook and started again later.
const SECRET = 'pdl_ntfset_outbox_secret_0123456'
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({
    processes: true,
    creditEnv: { PADDLE_WEBHOOK_SECRETS: SECRET, PADDLE_PLAN_PRICES: 'pri_plus:plus' },
  })
}, 90_000)
afterAll(() => p?.close())

const subscribe = (userId: string) => {
  const raw = paddleEvent('subscription.created', userId, {
    id: `sub_${userId}`,
    status: 'active',
    items: [{ price: { id: 'pri_plus' }, quantity: 1 }],
  })
  return sendPaddle(p.backend.url, raw, paddleSignature(raw, SECRET))
}
const authRole = async (userId: string) =>
  (
    await p.db.owner.query<{ role: string }>(`select role from public.users where id = $1`, [
      userId,
    ])
  )[0].role
const outbox = (userId: string) =>
  p.db.owner.query<{ kind: string; body: unknown; attempts: number; last_error: string | null }>(
    `select kind, body, attempts, last_error from credit.role_outbox where user_id = $1`,
    [userId],
  )
const audited = async (userId: string) =>
  Number(
    (
      await p.db.owner.query<{ n: string }>(
        `select count(*) as n from audit.events where subject_id = $1 and action = 'user.role_changed'`,
        [userId],
      )
    )[0].n,
  )
const gauge = async (name: string) =>
  Number(
    (await (await fetch(`${p.credit.url}/metrics`)).text()).match(
      new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm'),
    )?.[1],
  )

describe('plan changes reach auth through the outbox', () => {
  it('keeps a change made while auth is down and passes it on once auth is back, once', async () => {
    const b = p.browser()
    const { res } = await b.register()
    const userId: string = res.body.user.id

    await must(p.processes.auth).kill()
    const answer = await subscribe(userId)
    expect(answer.status).toBe(200) // Paddle is told it arrived: the change is committed with its outbox row
    expect(await answer.json()).toMatchObject({ userType: 'plus' })
    expect(await authRole(userId)).toBe('user')
    const [waiting] = await outbox(userId)
    expect(waiting).toMatchObject({ kind: 'role', body: { role: 'plus' } })
    expect(waiting.attempts).toBeGreaterThanOrEqual(1)
    expect(waiting.last_error).toBeTruthy()
    expect(await gauge('credit_role_outbox_depth')).toBeGreaterThanOrEqual(1)
    expect(await gauge('credit_role_outbox_oldest_seconds')).toBeGreaterThanOrEqual(0)

    await p.restart('auth')
    await expect.poll(() => authRole(userId), { timeout: 60_000, interval: 500 }).toBe('plus')
    await expect.poll(() => outbox(userId), { timeout: 10_000, interval: 200 }).toEqual([])
    expect(await audited(userId)).toBe(1)
    await b.call('POST', '/api/auth/refresh', { auth: false })
    expect((await b.call('GET', '/api/whoami')).body).toMatchObject({ role: 'plus' })
  }, 120_000)

  it('sends a change again without changing or auditing twice (auth takes it once)', async () => {
    const { res } = await p.browser().register()
    const userId: string = res.body.user.id
    expect((await subscribe(userId)).status).toBe(200)
    await expect.poll(() => authRole(userId), { timeout: 30_000, interval: 200 }).toBe('plus')
    // The same change again, as after a delivery whose answer was lost: the worker sends it, auth confirms.
    await p.db.owner.query(
      `insert into credit.role_outbox (user_id, kind, body) values ($1, 'role', '{"role":"plus"}')`,
      [userId],
    )
    await expect.poll(() => outbox(userId), { timeout: 30_000, interval: 200 }).toEqual([])
    expect(await authRole(userId)).toBe('plus')
    expect(await audited(userId)).toBe(1)
  }, 90_000)
})

import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLE_APPS } from '../../deploy/roles'
import { type RoleServer, startRole } from '../../deploy/serve'
import { MIGRATIONS_DIR } from '../../lib/node/migrations'
import { creditState, seedLearner } from '../../test/credit-seed'
import { must } from '../../test/must'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

let p: PlatformHarness
let second: RoleServer
beforeAll(async () => {
  const creditEnv = { GRANT_FREE: '0', HOLD_SWEEP_INTERVAL_S: '1' }
  p = await platformHarness({ creditEnv })
  // A second credit instance on the same database: both sweep.
  second = await startRole('credit', ROLE_APPS.credit, {
    env: { ...p.env, ...creditEnv, AUTH_URL: p.auth.url },
    migrationsDir: MIGRATIONS_DIR,
    assetsDir: '/none',
  })
})
afterAll(async () => {
  await second?.close()
  await p?.close()
})

const CENT = 10_000
const seedUser = (balance: number) => seedLearner(p.db, balance)
const state = (userId: string) => creditState(p.db, userId)

const fp = (s: string) => s.repeat(64).slice(0, 64)
const begin = (userId: string, amount: number, key: string, fingerprint = fp('a')) =>
  p.service('credit', '/internal/holds', {
    body: { userId, amount, key, fingerprint, attempt: randomUUID() },
  })
const settle = (holdId: string, actual: number, body = `{"cost":${actual}}`) =>
  p.service('credit', `/internal/holds/${holdId}/settle`, {
    body: { actual, response: { status: 200, contentType: 'application/json', body } },
  })
const expire = (holdId: string) =>
  p.db.owner.query(
    `update credit.holds set expires_at = now() - interval '1 second' where id = $1`,
    [holdId],
  )

describe('paid calls at the credit role', () => {
  it('holds against what is available, settles at the actual cost and stores the answer for the key', async () => {
    const user = await seedUser(5 * CENT)
    const a = await begin(user, 3 * CENT, 'key-a-0001')
    expect(a.status).toBe(201)
    expect((await begin(user, 3 * CENT, 'key-b-0001')).status).toBe(402)
    const done = await settle(a.body.hold.id, 12_345)
    expect(done.body).toMatchObject({
      outcome: 'settled',
      charged: 12_345,
      response: { status: 200, body: '{"cost":12345}', cost: 12_345 },
    })
    expect(await state(user)).toMatchObject({ balance: 4 * CENT, held: 0, pending: 2_345 })
    const replay = await begin(user, 3 * CENT, 'key-a-0001')
    expect(replay.status).toBe(200)
    expect(replay.body.replay).toEqual(done.body.response)
    expect((await settle(a.body.hold.id, 12_345)).body).toEqual({ ...done.body, overrun: 0 }) // a retried settle
    expect(await state(user)).toMatchObject({ balance: 4 * CENT, held: 0, pending: 2_345 })
  })

  it('refuses a key bound to another request with 422 and a key in flight with 409', async () => {
    const user = await seedUser(5 * CENT)
    expect((await begin(user, CENT, 'key-c-0001')).status).toBe(201)
    const running = await begin(user, CENT, 'key-c-0001')
    expect(running.status).toBe(409)
    expect(running.body.error).toMatchObject({
      code: 'IDEMPOTENCY_IN_PROGRESS',
      details: { retryAfter: expect.any(Number) },
    })
    expect((await begin(user, CENT, 'key-c-0001', fp('b'))).body.error.code).toBe(
      'IDEMPOTENCY_MISMATCH',
    )
    expect(await state(user)).toMatchObject({ held: CENT })
  })

  it('lets a key whose attempt was released run again; 20 sends of one key at once take one hold', async () => {
    const user = await seedUser(5 * CENT)
    const first = await begin(user, CENT, 'key-d-0001')
    await p.service('credit', `/internal/holds/${first.body.hold.id}/release`, { method: 'POST' })
    const sends = await Promise.all(
      Array.from({ length: 20 }, () => begin(user, CENT, 'key-d-0001')),
    )
    expect(sends.map((s) => s.status).sort()).toEqual([201, ...Array(19).fill(409)])
    expect(await state(user)).toMatchObject({ held: CENT })
  })

  it('sends of one key at once while its account is locked: one hold, every other send 409, never 402', async () => {
    // Each begin waits on the account row; once it is free the first takes the one hold the balance covers
    // and binds the key, and every other send must answer for that key (409), not "no credits" (402).
    const user = await seedUser(CENT)
    const sendAll = () =>
      Promise.all(Array.from({ length: 5 }, () => begin(user, CENT, 'key-g-0001')))
    const whileLocked = async () => {
      let sends = undefined as ReturnType<typeof sendAll> | undefined
      // On a server every send waits here; PGlite runs one statement at a time, so there they only queue.
      if (process.env.DATABASE_URL)
        await p.db.owner.transaction(async (sql) => {
          await sql(`select 1 from credit.accounts where user_id = $1 for update`, [user])
          sends = sendAll()
          for (let waiting = 0; waiting < 5; await new Promise((r) => setTimeout(r, 20)))
            [{ waiting }] = await p.db.owner.query<{ waiting: number }>(
              `select count(*)::int as waiting from pg_stat_activity
               where wait_event_type = 'Lock' and query like '%begin_paid%'`,
            )
        })
      const answers = await (sends ?? sendAll())
      expect(answers.map((s) => s.status).sort()).toEqual([201, 409, 409, 409, 409])
      return must(answers.find((s) => s.status === 201)).body
    }
    const first = await whileLocked()
    // The same for a key running again (its first attempt expired): one rerun, the rest see it running.
    await expire(first.hold.id)
    expect((await settle(first.hold.id, CENT)).body).toEqual({ outcome: 'expired' })
    expect((await whileLocked()).rerun).toBe(true)
    expect(await state(user)).toMatchObject({ held: CENT })
  })

  it('charges a cost above the hold in full while the balance covers it, else what is available', async () => {
    const user = await seedUser(5 * CENT)
    const a = await begin(user, CENT, 'key-e-0001')
    expect((await settle(a.body.hold.id, 2 * CENT, '{"ok":1,"cost":20000}')).body).toMatchObject({
      charged: 2 * CENT,
      overrun: CENT,
    })
    const b = await begin(user, CENT, 'key-e-0002')
    const short = await settle(b.body.hold.id, 9 * CENT, '{"ok":1,"cost":90000}')
    expect(short.body).toMatchObject({
      charged: 3 * CENT,
      response: { body: '{"ok":1,"cost":30000}', cost: 3 * CENT },
    })
    expect(await state(user)).toMatchObject({ balance: 0, held: 0, pending: 0 })
    expect(await (await fetch(`${p.credit.url}/metrics`)).text()).toMatch(
      /^credit_overruns_total\{role="credit"\} 2$/m,
    )
  })

  it('settling an expired hold commits its expiry and charges nothing; the key may run again', async () => {
    const user = await seedUser(5 * CENT)
    const a = await begin(user, 4 * CENT, 'key-f-0001')
    await expire(a.body.hold.id)
    expect((await settle(a.body.hold.id, CENT)).body).toEqual({ outcome: 'expired' })
    expect((await settle(a.body.hold.id, CENT)).body).toEqual({ outcome: 'expired' })
    expect(await state(user)).toMatchObject({ balance: 5 * CENT, held: 0, pending: 0 })
    expect((await begin(user, 4 * CENT, 'key-f-0001')).status).toBe(201)
  })
})

describe('the hold sweeper', () => {
  it('two credit instances expire 300 due holds of 30 users, each exactly once, within a few intervals', async () => {
    const users = await Promise.all(Array.from({ length: 30 }, () => seedUser(100 * CENT)))
    const holds = await Promise.all(
      users.flatMap((u) =>
        Array.from({ length: 10 }, (_, i) => begin(u, CENT + i, `sweep-${u}-${i}`)),
      ),
    )
    expect(holds.every((h) => h.status === 201)).toBe(true)
    const expiredCount = async () => {
      const scrape = await Promise.all(
        [p.credit.url, second.url].map(async (u) => (await fetch(`${u}/metrics`)).text()),
      )
      return scrape.reduce(
        (n, t) =>
          n +
          Number(
            t.match(/^credit_holds_total\{outcome="expired",role="credit"\} (\d+)$/m)?.[1] ?? 0,
          ),
        0,
      )
    }
    const before = await expiredCount()
    await p.db.owner.query(`update credit.holds set expires_at = now() where user_id = any($1)`, [
      users,
    ])
    for (
      let i = 0;
      i < 50 &&
      (
        await p.db.owner.query(
          `select 1 from credit.holds where status = 'open' and user_id = any($1)`,
          [users],
        )
      ).length;
      i++
    )
      await new Promise((r) => setTimeout(r, 100))
    const [{ held }] = await p.db.owner.query<{ held: string }>(
      `select sum(held) as held from credit.accounts where user_id = any($1)`,
      [users],
    )
    expect(Number(held)).toBe(0)
    expect((await expiredCount()) - before).toBe(300)
    const [{ open }] = await p.db.owner.query<{ open: string }>(
      `select count(*) as open from credit.holds where status = 'open' and user_id = any($1)`,
      [users],
    )
    expect(Number(open)).toBe(0)
  })
})

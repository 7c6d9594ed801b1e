import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { must } from '../../test/must'

let p: PlatformHarness
let admin: Awaited<ReturnType<PlatformHarness['admin']>>
beforeAll(async () => {
  p = await platformHarness({
    aiEnv: {},
    creditEnv: { GRANT_FREE: '500000', GRANT_PREMIUM: '20000000' },
  })
  admin = await p.admin()
})
afterAll(() => p.close())

async function learner() {
  const b = p.browser()
  const { email, password, res } = await b.register()
  return Object.assign(b, { id: res.body.user.id as string, email, password })
}
const auditOf = (subject: string, action: string) =>
  p.db.owner.query<{ actor: string; details: Record<string, unknown> }>(
    `select actor, details from audit.events where subject_id = $1 and action = $2 order by at`,
    [subject, action],
  )

describe('a person in the admin console', () => {
  it('is found by part of their email; their page gathers auth, credit and AI usage', async () => {
    const l = await learner()
    await l.call('GET', '/api/credits/balance')
    await p.db.owner.query(
      `insert into ai.requests (user_id, operation, plugin, model, cache_hit, cost, latency_ms, outcome, created_at)
       values ($1, 'translate', 'offline', 'm', false, 1200, 5, 'ok', now()), ($1, 'translate', 'offline', 'm', false, 800, 5, 'failed', now()),
              ($1, 'image', 'offline', 'm', false, 50000, 5, 'ok', now() - interval '2 days')`,
      [l.id],
    )
    const found = await admin.call(
      'GET',
      `/api/admin/users?q=${encodeURIComponent(l.email.slice(0, 9).toUpperCase())}`,
    )
    expect(found.body.items.map((u: { id: string }) => u.id)).toContain(l.id)
    expect((await admin.call('GET', `/api/admin/users/${l.id}`)).body).toMatchObject({
      id: l.id,
      email: l.email,
      status: 'active',
    })
    expect((await admin.call('GET', `/api/admin/users/${l.id}/credits`)).body).toMatchObject({
      account: { balance: 500_000, held: 0, pending: 0, available: 500_000 },
      plan: { type: 'free', source: 'none', comp: null },
    })
    const usage = await admin.call('GET', `/api/admin/users/${l.id}/ai-usage?days=7`)
    expect(usage.body.days).toHaveLength(7)
    const today = new Date().toISOString().slice(0, 10)
    expect(usage.body.usage).toContainEqual({
      day: today,
      operation: 'translate',
      calls: 2,
      failed: 1,
      cost: 2000,
    })
    expect(
      usage.body.usage.find((u: { operation: string }) => u.operation === 'image'),
    ).toMatchObject({ calls: 1, cost: 50000 })
    expect((await admin.call('GET', `/api/admin/users/${l.id}/ai-usage?days=0`)).status).toBe(400)
  })

  it('gets a plan by hand until a date: their next token carries it and its grant; ending it brings the paid plan back', async () => {
    const l = await learner()
    expect((await l.call('GET', '/api/credits/balance')).body.balance).toBe(500_000)
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString()
    const comp = await admin.call('PUT', `/api/admin/users/${l.id}/plan`, {
      body: { plan: 'premium', until, reason: 'press partner' },
    })
    expect(comp.body).toMatchObject({
      type: 'premium',
      source: 'manual',
      paid: 'free',
      comp: { type: 'premium', reason: 'press partner', by: admin.userId },
    })
    await l.call('POST', '/api/auth/refresh')
    expect((await l.call('GET', '/api/whoami')).body.role).toBe('premium')
    expect((await l.call('GET', '/api/credits/balance')).body).toMatchObject({
      userType: 'premium',
      balance: 20_500_000,
    })
    const [row] = await auditOf(l.id, 'admin.plan_changed')
    expect(row).toEqual({
      actor: admin.userId,
      details: {
        reason: 'press partner',
        before: { type: 'free', source: 'none', compUntil: null },
        after: { type: 'premium', source: 'manual', compUntil: expect.any(String) },
      },
    })
    const ended = await admin.call('PUT', `/api/admin/users/${l.id}/plan`, {
      body: { until: null, reason: 'partnership over' },
    })
    expect(ended.body).toMatchObject({ type: 'free', source: 'none', comp: null })
    await l.call('POST', '/api/auth/refresh')
    expect((await l.call('GET', '/api/whoami')).body.role).toBe('user')
  })

  it('refuses a bad plan change with 400 naming the field', async () => {
    const l = await learner()
    const past = await admin.call('PUT', `/api/admin/users/${l.id}/plan`, {
      body: { plan: 'plus', until: '2020-01-01T00:00:00Z', reason: 'late' },
    })
    expect(past.body.error).toMatchObject({ code: 'BAD_REQUEST', details: [{ path: 'until' }] })
    const noPlan = await admin.call('PUT', `/api/admin/users/${l.id}/plan`, {
      body: { until: new Date(Date.now() + 1e8).toISOString(), reason: 'x y z' },
    })
    expect(noPlan.body.error.details).toEqual([
      { path: 'plan', message: 'is required with an end date' },
    ])
    expect(
      (
        await admin.call('PUT', `/api/admin/users/${l.id}/plan`, {
          body: { until: null, reason: 'no comp' },
        })
      ).status,
    ).toBe(409)
    expect(
      (
        await admin.call('PUT', '/api/admin/users/0000000000/plan', {
          body: { until: null, reason: 'nobody' },
        })
      ).status,
    ).toBe(404)
  })

  it('is disabled (signed out everywhere) and enabled again; a revoked session cannot refresh', async () => {
    const l = await learner()
    const page = await admin.call('GET', `/api/admin/users/${l.id}`)
    const revoke = await admin.call('POST', `/api/admin/users/${l.id}/sessions/revoke`, {
      body: { sessionId: page.body.sessions[0].id, reason: 'stolen laptop' },
    })
    expect(revoke.body.ended).toBe(1)
    expect((await l.call('POST', '/api/auth/refresh')).status).toBe(401)
    await l.call('POST', '/api/auth/login', { body: { email: l.email, password: l.password } })
    expect(
      (
        await admin.call('PUT', `/api/admin/users/${l.id}/status`, {
          body: { status: 'disabled', reason: 'chargeback fraud' },
        })
      ).body.sessionIds,
    ).toHaveLength(1)
    expect((await l.call('POST', '/api/auth/refresh')).status).toBe(401)
    expect(
      (await l.call('POST', '/api/auth/login', { body: { email: l.email, password: l.password } }))
        .status,
    ).toBe(401)
    await admin.call('PUT', `/api/admin/users/${l.id}/status`, {
      body: { status: 'active', reason: 'resolved with the bank' },
    })
    expect(
      (await l.call('POST', '/api/auth/login', { body: { email: l.email, password: l.password } }))
        .status,
    ).toBe(200)
  })

  it('is made an admin and loses the rights again, signed out at once each time', async () => {
    const l = await learner()
    expect((await l.call('GET', '/api/admin/users')).status).toBe(403)
    const rights = (grant: boolean, reason: string) =>
      admin.call('PUT', `/api/admin/users/${l.id}/admin`, { body: { admin: grant, reason } })
    expect((await rights(true, 'joins the support team')).body.changed).toBe(true)
    expect((await l.call('GET', '/api/credits/balance')).status).toBe(401) // the old token, at once
    const { body } = await l.call('POST', '/api/auth/login', {
      body: { email: l.email, password: l.password },
    })
    const code = must((await p.smtp.latest(l.email, /sign-in code/)).subject.match(/(\d{6})/))[1]
    await l.call('POST', '/api/auth/login/verify', { body: { challenge: body.challenge, code } })
    expect((await l.call('GET', '/api/admin/users')).status).toBe(200)
    expect((await rights(false, 'left the support team')).body.changed).toBe(true)
    expect((await l.call('GET', '/api/admin/users')).status).toBe(401)
    await l.call('POST', '/api/auth/login', { body: { email: l.email, password: l.password } })
    expect((await l.call('GET', '/api/admin/users')).status).toBe(403)
    expect((await auditOf(l.id, 'admin.rights_changed')).map((r) => r.details.reason)).toEqual([
      'joins the support team',
      'left the support team',
    ])
  })

  it('has their data exported on request, with a reason', async () => {
    const l = await learner()
    await l.call('POST', '/api/decks', {
      body: { name: 'Exported deck', sourceLang: 'en', targetLang: 'de' },
    })
    expect((await admin.call('POST', `/api/admin/users/${l.id}/export`, { body: {} })).status).toBe(
      400,
    )
    const doc = await admin.call('POST', `/api/admin/users/${l.id}/export`, {
      body: { reason: 'GDPR request #7' },
    })
    expect(doc.headers.get('content-disposition')).toContain(`lingudesk-${l.id}.json`)
    expect(doc.body.profile.email).toBe(l.email)
    expect(doc.body.decks.map((d: { name: string }) => d.name)).toEqual(['Exported deck'])
    expect(await auditOf(l.id, 'admin.user_exported')).toEqual([
      { actor: admin.userId, details: { reason: 'GDPR request #7', before: null, after: null } },
    ])
  })

  it('is not there: exporting an unknown id answers 404 from every part, never 5xx', async () => {
    // Auth and credit are asked at once: credit must not answer otherwise (it did: 401, so 503 when first).
    expect((await p.service('credit', '/internal/users/0000000000/export')).status).toBe(404)
    const res = await admin.call('POST', '/api/admin/users/0000000000/export', {
      body: { reason: 'who is this' },
    })
    expect(res.status).toBe(404)
  })

  it('is erased only with their address typed, never an admin; the erasure is audited under the pseudonym', async () => {
    const l = await learner()
    const wrong = await admin.call('POST', `/api/admin/users/${l.id}/erase`, {
      body: { reason: 'asked by mail', confirm: 'someone@else.com' },
    })
    expect(wrong.body.error).toMatchObject({ code: 'BAD_REQUEST', details: [{ path: 'confirm' }] })
    expect((await admin.call('GET', `/api/admin/users/${l.id}`)).status).toBe(200)
    const other = await p.admin()
    expect(
      (
        await admin.call('POST', `/api/admin/users/${other.userId}/erase`, {
          body: { reason: 'no no', confirm: other.email },
        })
      ).status,
    ).toBe(403)
    const erased = await admin.call('POST', `/api/admin/users/${l.id}/erase`, {
      body: { reason: 'asked by mail', confirm: l.email.toUpperCase() },
    })
    expect(erased.body).toEqual({
      erased: true,
      pseudonym: expect.stringMatching(/^[0-9A-Z]{10}$/),
    })
    expect((await admin.call('GET', `/api/admin/users/${l.id}`)).status).toBe(404)
    expect(
      (await l.call('POST', '/api/auth/login', { body: { email: l.email, password: l.password } }))
        .status,
    ).toBe(401)
    expect(await auditOf(erased.body.pseudonym, 'admin.user_erased')).toEqual([
      {
        actor: admin.userId,
        details: {
          reason: 'asked by mail',
          before: { status: 'active' },
          after: { status: 'deleted' },
        },
      },
    ])
  })
})

describe('the admin console’s own rate limit', () => {
  it('lets an admin work quickly (a person’s page and its actions are many calls) apart from their learner budget', async () => {
    const calls = await Promise.all(
      Array.from({ length: 160 }, () => admin.call('GET', '/api/admin/keys')),
    )
    expect(calls.map((r) => r.status).filter((s) => s !== 200)).toEqual([])
    expect((await admin.call('GET', '/api/credits/balance')).status).toBe(200) // 160 > the standard 150
  })
})

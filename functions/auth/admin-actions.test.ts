import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthHarness, authHarness } from '../../test/auth-harness'

let h: AuthHarness
let admin: Awaited<ReturnType<AuthHarness['admin']>>
beforeAll(async () => {
  h = await authHarness()
  admin = await h.admin()
})
afterAll(() => h.close())

const as = (method: string, path: string, body?: unknown) =>
  h.call(method, path, { token: admin.accessToken, body })
const adminRows = (subject: string, action: string) =>
  h.db.owner.query<{ actor: string; details: Record<string, unknown> }>(
    `select actor, details from audit.events where subject_id = $1 and action = $2 order by at`,
    [subject, action],
  )
const refresh = (refreshToken: string) =>
  h.call('POST', '/auth/refresh', { body: { refreshToken } })

describe('PUT /auth/admin/users/:id/status', () => {
  it('disables (every session ends, sign-in refused) and enables, each audited with reason, before and after', async () => {
    const u = await h.register()
    expect(
      (
        await as('PUT', `/auth/admin/users/${u.user.id}/status`, {
          status: 'disabled',
          reason: 'abuse report 42',
        })
      ).body,
    ).toMatchObject({ status: 'disabled', sessionIds: [u.sessionId] })
    expect((await refresh(u.refreshToken)).status).toBe(401)
    expect((await h.login(u.email, u.password)).status).toBe(401)
    expect(
      (
        await as('PUT', `/auth/admin/users/${u.user.id}/status`, {
          status: 'active',
          reason: 'appeal accepted',
        })
      ).status,
    ).toBe(200)
    expect((await h.login(u.email, u.password)).status).toBe(200)
    expect(await adminRows(u.user.id, 'admin.user_status')).toEqual([
      {
        actor: admin.user.id,
        details: {
          reason: 'abuse report 42',
          before: { status: 'active' },
          after: { status: 'disabled' },
          sessionsEnded: 1,
        },
      },
      {
        actor: admin.user.id,
        details: {
          reason: 'appeal accepted',
          before: { status: 'disabled' },
          after: { status: 'active' },
          sessionsEnded: 0,
        },
      },
    ])
  })

  it('needs a reason, refuses an admin their own account, and refuses non-admins', async () => {
    const u = await h.register()
    const bad = await as('PUT', `/auth/admin/users/${u.user.id}/status`, {
      status: 'gone',
      reason: '',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'reason',
      'status',
    ])
    expect(
      (
        await as('PUT', `/auth/admin/users/${admin.user.id}/status`, {
          status: 'disabled',
          reason: 'oops oops',
        })
      ).status,
    ).toBe(403)
    expect(
      (
        await h.call('PUT', `/auth/admin/users/${u.user.id}/status`, {
          token: u.accessToken,
          body: { status: 'disabled', reason: 'nope' },
        })
      ).status,
    ).toBe(403)
    expect(
      (
        await as('PUT', '/auth/admin/users/0000000000/status', {
          status: 'disabled',
          reason: 'nobody',
        })
      ).status,
    ).toBe(404)
    expect(await adminRows(u.user.id, 'admin.user_status')).toEqual([])
  })
})

describe('PUT /auth/admin/users/:id/admin', () => {
  const rights = (id: string, body: unknown, token = admin.accessToken) =>
    h.call('PUT', `/auth/admin/users/${id}/admin`, { token, body })

  it('grants and removes admin rights, signing the person out each time; the plan stays apart', async () => {
    const u = await h.register()
    await h.db.owner.query(`update public.users set role = 'plus' where id = $1`, [u.user.id])
    const granted = await rights(u.user.id, { admin: true, reason: 'new support lead' })
    expect(granted.body).toEqual({
      id: u.user.id,
      admin: true,
      changed: true,
      sessionIds: [u.sessionId],
    })
    expect((await refresh(u.refreshToken)).status).toBe(401)
    // A new admin signs in with the emailed code, and the token carries the role.
    const challenge = await h.login(u.email, u.password)
    expect(challenge.body.challenge).toBeTruthy()
    const code = await h.code(u.email, /sign-in code/)
    const signedIn = await h.call('POST', '/auth/login/verify', {
      body: { challenge: challenge.body.challenge, code },
    })
    expect(decodeJwt(signedIn.body.accessToken).role).toBe('admin')
    // Paddle's plan changes while they are an admin still count.
    const fromCredit = await h.call('PUT', `/internal/users/${u.user.id}/role`, {
      service: false,
      headers: { 'x-service-token': await h.tokenFrom('credit') },
      body: { role: 'premium' },
    })
    expect(fromCredit.body.changed).toBe(true)
    expect((await rights(u.user.id, { admin: true, reason: 'twice over' })).body).toMatchObject({
      changed: false,
    })

    const removed = await rights(u.user.id, { admin: false, reason: 'left the team' })
    expect(removed.body).toMatchObject({ admin: false, changed: true })
    expect(removed.body.sessionIds).toContain(signedIn.body.sessionId)
    expect((await refresh(signedIn.body.refreshToken)).status).toBe(401)
    const back = await h.login(u.email, u.password)
    expect(decodeJwt(back.body.accessToken).role).toBe('premium')
    expect(await adminRows(u.user.id, 'admin.rights_changed')).toEqual([
      {
        actor: admin.user.id,
        details: {
          reason: 'new support lead',
          before: { admin: false },
          after: { admin: true },
          sessionsEnded: 1,
        },
      },
      {
        actor: admin.user.id,
        details: {
          reason: 'left the team',
          before: { admin: true },
          after: { admin: false },
          sessionsEnded: 1,
        },
      },
    ])
  })

  it('refuses an admin their own rights, non-admins, unverified or disabled accounts, bad bodies', async () => {
    const u = await h.register()
    expect((await rights(admin.user.id, { admin: false, reason: 'stepping down' })).status).toBe(
      403,
    )
    expect(
      (await rights(u.user.id, { admin: true, reason: 'me please' }, u.accessToken)).status,
    ).toBe(403)
    const bad = await rights(u.user.id, { admin: 'yes', reason: '' })
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'admin',
      'reason',
    ])
    expect((await rights('0000000000', { admin: true, reason: 'nobody here' })).status).toBe(404)
    await h.db.owner.query(`update public.users set email_verified_at = null where id = $1`, [
      u.user.id,
    ])
    expect((await rights(u.user.id, { admin: true, reason: 'codes go nowhere' })).status).toBe(409)
    await h.db.owner.query(
      `update public.users set email_verified_at = now(), status = 'disabled' where id = $1`,
      [u.user.id],
    )
    expect((await rights(u.user.id, { admin: true, reason: 'disabled one' })).status).toBe(409)
    expect(await adminRows(u.user.id, 'admin.rights_changed')).toEqual([])
  })

  it('never leaves no active admin: two admins removing each other at once', async () => {
    const [a, b] = [await h.admin(), await h.admin()]
    const others = await h.db.owner.query<{ id: string }>(
      `select id from public.users where admin and id <> all($1)`,
      [[a.user.id, b.user.id]],
    )
    // Only these two are admins here, as if they were the last ones.
    await h.db.owner.query(`update public.users set admin = false where id = any($1)`, [
      others.map((r) => r.id),
    ])
    try {
      // Both requests start while the two rows are held, so they overlap for certain.
      const [ab, ba] = await h.db.owner
        .transaction(async (sql) => {
          await sql(`select 1 from public.users where id = any($1) for update`, [
            [a.user.id, b.user.id],
          ])
          const both = Promise.all([
            rights(b.user.id, { admin: false, reason: 'coup attempt' }, a.accessToken),
            h.call('PUT', `/auth/admin/users/${a.user.id}/status`, {
              token: b.accessToken,
              body: { status: 'disabled', reason: 'counter coup' },
            }),
          ])
          for (let waiting = 0; waiting < 2; await new Promise((r) => setTimeout(r, 20)))
            [{ waiting }] = await h.db.owner.query<{ waiting: number }>(
              `select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
            )
          return { both }
        })
        .then((t) => t.both)
      expect([ab.status, ba.status].sort()).toEqual([200, 403])
      const [{ n }] = await h.db.owner.query<{ n: string }>(
        `select count(*) as n from public.users where admin and status = 'active'`,
      )
      expect(Number(n)).toBe(1)
    } finally {
      await h.db.owner.query(`update public.users set admin = true where id = any($1)`, [
        others.map((r) => r.id),
      ])
    }
  })
})

describe('POST /auth/admin/users/:id/sessions/revoke', () => {
  it('ends one session or all of them', async () => {
    const u = await h.register()
    const other = await h.login(u.email, u.password, 'another-device-0001')
    const one = await as('POST', `/auth/admin/users/${u.user.id}/sessions/revoke`, {
      sessionId: other.body.sessionId,
      reason: 'lost phone',
    })
    expect(one.body).toEqual({ ended: 1, sessionIds: [other.body.sessionId] })
    expect((await refresh(other.body.refreshToken)).status).toBe(401)
    expect((await refresh(u.refreshToken)).status).toBe(200)
    expect(
      (
        await as('POST', `/auth/admin/users/${u.user.id}/sessions/revoke`, {
          sessionId: other.body.sessionId,
          reason: 'again',
        })
      ).status,
    ).toBe(404)
    const all = await as('POST', `/auth/admin/users/${u.user.id}/sessions/revoke`, {
      reason: 'account takeover',
    })
    expect(all.body.ended).toBe(1)
    const rows = await adminRows(u.user.id, 'admin.sessions_revoked')
    expect(rows[0].details).toEqual({
      reason: 'lost phone',
      before: { sessions: expect.arrayContaining([other.body.sessionId, u.sessionId]) },
      after: { sessions: [u.sessionId] },
    })
    expect(rows[1].details).toMatchObject({ reason: 'account takeover', after: { sessions: [] } })
  })
})

describe('POST /auth/admin/users/:id/verification', () => {
  it('mails a new code once the address is unverified, audited; 409 when verified', async () => {
    const u = await h.register()
    // Sign-up verifies the address now; accounts made before two-step sign-up may still be unverified.
    await h.db.owner.query(`update public.users set email_verified_at = null where id = $1`, [
      u.user.id,
    ])
    expect(
      (
        await as('POST', `/auth/admin/users/${u.user.id}/verification`, {
          reason: 'user asked by phone',
        })
      ).status,
    ).toBe(202)
    const code = await h.code(u.email, /code/)
    expect(
      (await h.call('POST', '/auth/email/verify', { token: u.accessToken, body: { code } })).status,
    ).toBe(200)
    expect(
      (await as('POST', `/auth/admin/users/${u.user.id}/verification`, { reason: 'again please' }))
        .status,
    ).toBe(409)
    expect(await adminRows(u.user.id, 'admin.verification_sent')).toHaveLength(1)
  })
})

describe('GET /auth/admin/audit', () => {
  it('filters by actor, action prefix, subject and dates, pages newest first, and exports CSV', async () => {
    const u = await h.register()
    for (const reason of ['first reason', 'second reason', 'third reason'])
      await as('POST', `/auth/admin/users/${u.user.id}/sessions/revoke`, { reason })
    const seen: string[] = []
    let cursor = ''
    do {
      const page = await as(
        'GET',
        `/auth/admin/audit?subject=${u.user.id}&action=admin&limit=2${cursor && `&cursor=${cursor}`}`,
      )
      seen.push(...page.body.items.map((e: { details: { reason: string } }) => e.details.reason))
      cursor = page.body.nextCursor ?? ''
    } while (cursor)
    expect(seen).toEqual(['third reason', 'second reason', 'first reason'])
    const mine = await as(
      'GET',
      `/auth/admin/audit?actor=${admin.user.id}&action=admin.sessions_revoked&from=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`,
    )
    expect(mine.body.items.length).toBeGreaterThanOrEqual(3)
    expect(
      (await as('GET', `/auth/admin/audit?subject=${u.user.id}&to=2000-01-01T00:00:00Z`)).body
        .items,
    ).toEqual([])
    const csv = await as('GET', `/auth/admin/audit?subject=${u.user.id}&action=admin&format=csv`)
    const lines = (csv.body as string).trim().split('\r\n')
    expect(lines[0]).toBe(
      'at,actor,action,subject_id,outcome,reason,before,after,details,request_id,ip',
    )
    expect(lines).toHaveLength(4)
    // A crafted cursor whose id is no UUID (36 dashes) was a 500 in the query.
    const crafted = Buffer.from(JSON.stringify(['at', '123', '-'.repeat(36)])).toString('base64url')
    expect((await as('GET', `/auth/admin/audit?cursor=${crafted}`)).status).toBe(400)
    expect(
      (await as('GET', '/auth/admin/audit?action=DROP TABLE&cursor=x')).body.error.details.map(
        (d: { path: string }) => d.path,
      ),
    ).toEqual(['action'])
    expect((await as('GET', '/auth/admin/audit?cursor=bm90IGEgY3Vyc29y')).status).toBe(400)
  })

  it('cannot be changed, even by the database owner', async () => {
    await expect(
      h.db.owner.query(`update audit.events set details = '{}' where actor = $1`, [admin.user.id]),
    ).rejects.toThrow(/append-only/)
    await expect(
      h.db.owner.query(`delete from audit.events where actor = $1`, [admin.user.id]),
    ).rejects.toThrow(/append-only/)
  })
})

describe('signing keys', () => {
  it('lists next, current and retiring keys with the schedule; rotating needs a reason and is audited', async () => {
    expect((await as('POST', '/auth/admin/keys/rotate', {})).status).toBe(400)
    const rotated = await as('POST', '/auth/admin/keys/rotate', { reason: 'quarterly drill' })
    const keys = await as('GET', '/auth/admin/keys')
    expect(keys.body.keys.find((k: { kid: string }) => k.kid === rotated.body.kid)).toMatchObject({
      state: 'next',
      published: true,
    })
    expect(keys.body.keys.filter((k: { state: string }) => k.state === 'current')).toHaveLength(1)
    expect(keys.body).toMatchObject({ rotationDays: 30, publishLeadS: 600, nextRotationAt: null })
    const [row] = await h.db.owner.query<{ details: { reason: string; after: { added: string } } }>(
      `select details from audit.events where action = 'admin.keys_rotated' and actor = $1 order by at desc limit 1`,
      [admin.user.id],
    )
    expect(row.details).toMatchObject({
      reason: 'quarterly drill',
      after: { added: rotated.body.kid },
    })
  })
})

describe('plans given by hand (from credit)', () => {
  const fromCredit = async (id: string, body: unknown) => {
    const token = await h.tokenFrom('credit')
    return h.call('PUT', `/internal/users/${id}/comp`, {
      service: false,
      headers: { 'x-service-token': token },
      body,
    })
  }
  it('tokens carry the comp until it ends, then the paid plan again', async () => {
    const u = await h.register()
    expect(
      (
        await fromCredit(u.user.id, {
          role: 'premium',
          until: new Date(Date.now() + 86_400_000).toISOString(),
        })
      ).status,
    ).toBe(200)
    expect(decodeJwt((await refresh(u.refreshToken)).body.accessToken).role).toBe('premium')
    await h.db.owner.query(
      `update public.users set comp_until = now() - interval '1 second' where id = $1`,
      [u.user.id],
    )
    const later = await h.login(u.email, u.password)
    expect(decodeJwt(later.body.accessToken).role).toBe('user')
    expect(
      (
        await h.call('PUT', `/internal/users/${u.user.id}/comp`, {
          body: { role: 'plus', until: null },
        })
      ).status,
    ).toBe(403) // the backend may not
  })
})

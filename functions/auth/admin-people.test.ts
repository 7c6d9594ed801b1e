import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthHarness, authHarness } from '../../test/auth-harness'

let h: AuthHarness
let admin: Awaited<ReturnType<AuthHarness['admin']>>
const tag = randomBytes(3).toString('hex') // this file's people, whatever else the database holds
beforeAll(async () => {
  h = await authHarness()
  admin = await h.admin()
})
afterAll(() => h.close())

const get = (path: string, token = admin.accessToken) => h.call('GET', path, { token })
const search = (query: string) => get(`/auth/admin/users?${query}`)

describe('GET /auth/admin/users', () => {
  it('finds people by a prefix of any word of the name or of the address, ignoring case and accents', async () => {
    const maria = await h.register({
      name: `María-José García ${tag}`,
      email: `mj.garcia.${tag}@example.com`,
    })
    await h.register({ name: `Marianne Other ${tag}`, email: `m.other.${tag}@example.com` })
    const ids = async (q: string) =>
      (await search(`q=${encodeURIComponent(q)}`)).body.items.map((p: { id: string }) => p.id)
    expect(await ids(`GARC ${tag}`)).toEqual([maria.user.id])
    expect(await ids(`jose ${tag}`)).toEqual([maria.user.id])
    expect(await ids(`Garcí ${tag}`)).toEqual([maria.user.id])
    expect(await ids(`MJ.GARCIA.${tag}`)).toEqual([maria.user.id])
    expect((await ids(`mari ${tag}`)).length).toBe(2)
    expect(await ids(maria.user.id.slice(0, 7))).toContain(maria.user.id)
    for (const q of ['%', '_', '\\', "'", '&', ':*']) expect(await ids(q)).toEqual([]) // LIKE and tsquery characters are only text
  })

  it('filters by plan, status, verification and dates, and pages through a sort without gaps', async () => {
    const made = []
    for (let i = 0; i < 5; i++)
      made.push(
        await h.register({ name: `Pager ${tag} ${i}`, email: `pager${i}.${tag}@example.com` }),
      )
    await h.db.owner.query(`update public.users set role = 'plus' where id = $1`, [made[0].user.id])
    // Sign-up verifies the address; all but one are made unverified, as accounts from before it can be.
    await h.db.owner.query(`update public.users set email_verified_at = null where id = any($1)`, [
      made.filter((_, i) => i !== 1).map((m) => m.user.id),
    ])
    const q = `q=pager&q=${tag}`.replace('&q=', '%20')
    expect((await search(`${q}&plan=plus`)).body.items.map((p: { id: string }) => p.id)).toEqual([
      made[0].user.id,
    ])
    expect(
      (await search(`${q}&verified=true`)).body.items.map((p: { id: string }) => p.id),
    ).toEqual([made[1].user.id])
    expect(
      (
        await search(
          `${q}&createdFrom=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
        )
      ).body.items,
    ).toEqual([])
    for (const sort of ['name', 'email', 'created', 'active']) {
      const seen: string[] = []
      let cursor = ''
      do {
        const page = await search(
          `${q}&sort=${sort}&order=asc&limit=2${cursor && `&cursor=${cursor}`}`,
        )
        expect(page.status).toBe(200)
        seen.push(...page.body.items.map((p: { id: string }) => p.id))
        cursor = page.body.nextCursor ?? ''
      } while (cursor)
      expect(seen.sort()).toEqual(made.map((m) => m.user.id).sort())
    }
    const byName = (await search(`${q}&sort=name&order=desc`)).body.items.map(
      (p: { name: string }) => p.name,
    )
    expect(byName).toEqual([...byName].sort().reverse())
  })

  it('exports the result as CSV with formulas defused', async () => {
    await h.register({ name: `=HYPERLINK("x") ${tag}`, email: `csv.${tag}@example.com` })
    const res = await search(`q=csv.${tag}&format=csv`)
    expect(res.headers.get('content-type')).toContain('text/csv')
    const lines = (res.body as string).trim().split('\r\n')
    expect(lines[0]).toBe(
      'id,email,name,plan,status,email_verified,two_factor,created_at,last_active_at,comp_until',
    )
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"") ${tag}"`)
  })

  it('refuses bad filters and cursors with 400 naming the field, and non-admins with 403', async () => {
    const bad = await search('plan=gold&sort=age&limit=1000')
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'limit',
      'plan',
      'sort',
    ])
    expect((await search('cursor=garbage')).status).toBe(400)
    expect((await search('createdFrom=0000-01-01T00:00:00Z')).body.error.details).toEqual([
      { path: 'createdFrom', message: 'must be a date between the years 1 and 9999' },
    ])
    const first = await search('sort=name&limit=1')
    expect((await search(`sort=email&cursor=${first.body.nextCursor}`)).status).toBe(400) // a cursor of another sort
    // Crafted keyset cursors of the right sort whose value PostgreSQL cannot read (they were 500s).
    const keyset = (value: string) =>
      Buffer.from(JSON.stringify(['created', value, first.body.items[0].id])).toString('base64url')
    for (const value of [
      '2026-13-45 99:99:99+00',
      '0000-01-01 00:00:00+00',
      '2026-02-30 10:00:00+00',
      '2026-11-30 09:00:00+99',
    ])
      expect((await search(`sort=created&cursor=${keyset(value)}`)).status, value).toBe(400)
    expect(
      (await search(`sort=created&cursor=${keyset('2026-11-30 09:00:00.123456+00')}`)).status,
    ).toBe(200)
    const learner = await h.register()
    expect((await get('/auth/admin/users', learner.accessToken)).status).toBe(403)
    expect((await h.call('GET', '/auth/admin/users')).status).toBe(401)
  })
})

describe('GET /auth/admin/users/:id', () => {
  it('shows profile, sign-in state, live sessions and recent audit events', async () => {
    const u = await h.register({ name: `Page ${tag}` })
    await h.login(u.email, u.password)
    const res = await get(`/auth/admin/users/${u.user.id}`)
    expect(res.body).toMatchObject({
      id: u.user.id,
      email: u.email,
      role: 'user',
      status: 'active',
      emailVerified: true,
      twoFactor: false,
      comp: null,
      signIn: { password: true, providers: [], failedLogins: 0, lockedUntil: null },
    })
    expect(res.body.sessions).toHaveLength(2)
    expect(res.body.sessions[0]).toMatchObject({ ip: '203.0.113.7' })
    expect(res.body.lastActiveAt).not.toBeNull()
    expect(res.body.events.map((e: { action: string }) => e.action)).toContain('user.register')
    expect((await get('/auth/admin/users/0000000000')).status).toBe(404)
    expect((await get('/auth/admin/users/not-an-id')).status).toBe(400)
  })
})

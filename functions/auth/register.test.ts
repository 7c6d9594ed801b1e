import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthHarness, authHarness } from '../../test/auth-harness'
import { must } from '../../test/must'

let h: AuthHarness
beforeAll(async () => {
  h = await authHarness({ ADMIN_EMAILS: 'boss@example.com, Chief@Example.com' })
})
afterAll(() => h.close())

const start = (email: string, password = 'correct horse battery', name = 'Ada') =>
  h.call('POST', '/auth/register', { body: { email, password, name } })
const resend = (challenge: string) =>
  h.call('POST', '/auth/register/resend', { body: { challenge } })
const finish = (challenge: string, code: string, device?: string) =>
  h.call('POST', '/auth/register/verify', { body: { challenge, code }, device })

describe('POST /auth/register', () => {
  it('mails a code; the code creates the account with its address proven and signs it in', async () => {
    const email = h.email()
    const started = await start(` ${email.toUpperCase()} `)
    expect(started.status).toBe(202)
    expect(started.body).toEqual({
      challenge: expect.any(String),
      expiresIn: 86_400,
      resendIn: 60,
      message: expect.stringMatching(/Check your mail/),
    })
    const mail = await h.smtp.latest(email, /verification code/)
    expect(mail.body).toContain('Content-Type: text/html')
    const res = await finish(started.body.challenge, must(mail.subject.match(/(\d{6})/))[1])
    expect(res.status).toBe(201)
    expect(res.body.user).toMatchObject({ email, name: 'Ada', role: 'user', emailVerified: true })
    expect(res.body.user.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/)
    expect(res.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
    })
    expect((await h.call('GET', '/auth/me', { token: res.body.accessToken })).body).toMatchObject({
      id: res.body.user.id,
      emailVerified: true,
    })
    expect((await h.audit(res.body.user.id)).map((e) => e.action)).toEqual(['user.register'])
    expect((await h.login(email, 'correct horse battery')).status).toBe(200)
  })

  it('creates nothing until the code comes back, and a code works once and dies after 5 wrong tries', async () => {
    const email = h.email()
    const started = await start(email)
    expect((await h.login(email, 'correct horse battery')).status).toBe(401)
    const code = await h.code(email, /verification code/)
    const wrong = code === '000000' ? '111111' : '000000'
    const tries = []
    for (let i = 0; i < 5; i++) tries.push(await finish(started.body.challenge, wrong))
    expect(tries.map((t) => t.body.error.details.retry)).toEqual([true, true, true, true, false])
    expect((await finish(started.body.challenge, code)).status).toBe(401)

    h.smtp.mails.length = 0
    const again = await start(email)
    const fresh = await h.code(email, /verification code/)
    expect((await finish(again.body.challenge, fresh)).status).toBe(201)
    expect((await finish(again.body.challenge, fresh)).status).toBe(401) // single use
  })

  it('mails a new code at most once a minute; the new one works and the old one dies', async () => {
    const email = h.email()
    const started = await start(email)
    const old = await h.code(email, /verification code/)
    const early = await resend(started.body.challenge)
    expect([early.status, early.body.error.code]).toEqual([429, 'RATE_LIMITED'])
    expect(early.body.error.details.retryAfter).toBeGreaterThan(55)
    h.advance(60_000)
    h.smtp.mails.length = 0
    const again = await resend(started.body.challenge)
    expect(again.status).toBe(202)
    expect(again.body).toEqual({ ...started.body, challenge: expect.any(String) })
    expect(again.body.challenge).not.toBe(started.body.challenge)
    expect((await resend(again.body.challenge)).status).toBe(429) // the new code starts its own minute
    const fresh = await h.code(email, /verification code/)
    expect((await resend(started.body.challenge)).body.error).toMatchObject({
      code: 'INVALID_CODE',
      details: { retry: false },
    })
    expect((await finish(started.body.challenge, old)).status).toBe(401)
    expect((await finish(again.body.challenge, fresh)).status).toBe(201)
    h.advance(60_000)
    expect((await resend(again.body.challenge)).status).toBe(401) // the account exists: nothing pending
  })

  it('resends to a taken email exactly as to a new one, mailing its owner the note again', async () => {
    const owner = await h.register()
    const taken = await start(owner.email)
    const created = await start(h.email())
    await h.smtp.latest(owner.email, /tried to create a Lingudesk account/)
    h.smtp.mails.length = 0
    h.advance(60_000)
    const [a, b] = [await resend(taken.body.challenge), await resend(created.body.challenge)]
    expect([a.status, Object.keys(a.body)]).toEqual([b.status, Object.keys(b.body)])
    const note = await h.smtp.latest(owner.email, /tried to create a Lingudesk account/)
    expect(note.subject).not.toMatch(/\d{6}/)
  })

  it('answers a taken email exactly like a new one and mails the owner instead', async () => {
    const owner = await h.register()
    const fresh = h.email()
    const taken = await start(owner.email.toUpperCase(), 'another fine passphrase', 'B')
    const created = await start(fresh, 'another fine passphrase', 'B')
    const shape = (r: typeof taken) => ({
      status: r.status,
      body: { ...r.body, challenge: typeof r.body.challenge },
      type: r.headers.get('content-type'),
    })
    expect(shape(taken)).toEqual(shape(created))
    expect(taken.body.challenge).toMatch(/^[0-9a-f-]{36}$/)
    const note = await h.smtp.latest(owner.email, /tried to create a Lingudesk account/)
    expect(note.subject).not.toMatch(/\d{6}/)
    // The taken challenge behaves like any other under wrong codes, and no code for it was ever sent.
    const tries = []
    for (let i = 0; i < 5; i++)
      tries.push((await finish(taken.body.challenge, String(100000 + i))).body.error.details.retry)
    expect(tries).toEqual([true, true, true, true, false])
    expect((await h.login(owner.email, 'another fine passphrase')).status).toBe(401) // the old password stands
    expect((await h.login(owner.email, owner.password)).status).toBe(200)
  })

  it('makes an address listed in ADMIN_EMAILS an admin when its code comes back', async () => {
    const boss = await h.register({ email: 'chief@example.com' })
    expect(boss.user.role).toBe('admin')
    expect((await h.register()).user.role).toBe('user')
  })

  it.each([
    ['too short', 'short1!'],
    ['too long', 'x'.repeat(129)],
    ['among the most common', 'password123'],
  ])('refuses a password that is %s, naming the field', async (_what, password) => {
    const res = await h.call('POST', '/auth/register', {
      body: { email: h.email(), password, name: 'C' },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['password'])
  })

  it('keeps passwords that differ only after byte 72 apart', async () => {
    const head = 'é'.repeat(36) // 72 bytes of UTF-8
    const { email } = await h.register({ password: `${head}first` })
    expect((await h.login(email, `${head}first`)).status).toBe(200)
    expect((await h.login(email, `${head}second`)).status).toBe(401)
  })

  it('answers bad input with 400 and details, and a missing device id too', async () => {
    const bad = await h.call('POST', '/auth/register', {
      body: { email: 'not-an-email', password: 1, name: '' },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'email',
      'name',
      'password',
    ])
    const noDevice = await h.call('POST', '/auth/register', {
      body: { email: h.email(), password: 'a fine passphrase', name: 'D' },
      device: '',
    })
    expect(noDevice.status).toBe(202) // sign-up may start anywhere; the session opens on the device that finishes it
    expect((await finish(noDevice.body.challenge, '123456', '')).status).toBe(400)
  })

  it('refuses a request without the backend’s service token', async () => {
    const res = await h.call('POST', '/auth/register', {
      body: { email: h.email(), password: 'a fine passphrase', name: 'E' },
      service: false,
    })
    expect(res.status).toBe(401)
  })
})

// Accounts whose address is not proven yet come from Google or Apple sign-ins that do not vouch for it.
async function unverified(o: { email?: string } = {}) {
  const u = await h.register(o)
  await h.db.owner.query(
    `update public.users set email_verified_at = null, admin = false where id = $1`,
    [u.user.id],
  )
  expect((await h.call('POST', '/auth/email/resend', { token: u.accessToken })).status).toBe(202)
  return u
}

describe('email verification', () => {
  it('verifies with the emailed code', async () => {
    const u = await unverified()
    const code = await h.code(u.email, /verification code/)
    const res = await h.call('POST', '/auth/email/verify', { token: u.accessToken, body: { code } })
    expect(res.status).toBe(200)
    expect((await h.call('GET', '/auth/me', { token: u.accessToken })).body.emailVerified).toBe(
      true,
    )
  })

  it('makes an address listed in ADMIN_EMAILS an admin once it is verified, and nobody else', async () => {
    const boss = await unverified({ email: 'boss@example.com' })
    expect((await h.call('GET', '/auth/me', { token: boss.accessToken })).body.role).toBe('user') // not before the proof
    await h.call('POST', '/auth/email/verify', {
      token: boss.accessToken,
      body: { code: await h.code(boss.email, /verification code/) },
    })
    expect((await h.call('GET', '/auth/me', { token: boss.accessToken })).body.role).toBe('admin')
    const other = await unverified()
    await h.call('POST', '/auth/email/verify', {
      token: other.accessToken,
      body: { code: await h.code(other.email, /verification code/) },
    })
    expect((await h.call('GET', '/auth/me', { token: other.accessToken })).body.role).toBe('user')
  })

  it('kills the code after 5 wrong tries, and a resent code works', async () => {
    const u = await unverified()
    const code = await h.code(u.email, /verification code/)
    const wrong = code === '000000' ? '111111' : '000000'
    const tries = []
    for (let i = 0; i < 5; i++)
      tries.push(
        await h.call('POST', '/auth/email/verify', { token: u.accessToken, body: { code: wrong } }),
      )
    expect(tries.map((t) => t.body.error.details.retry)).toEqual([true, true, true, true, false])
    expect(
      (await h.call('POST', '/auth/email/verify', { token: u.accessToken, body: { code } })).status,
    ).toBe(401)
    const early = await h.call('POST', '/auth/email/resend', { token: u.accessToken })
    expect([early.status, early.body.error.code]).toEqual([429, 'RATE_LIMITED']) // the first code went out moments ago
    expect(early.body.error.details.retryAfter).toBeGreaterThan(0)
    h.advance(60_000)
    expect((await h.call('POST', '/auth/email/resend', { token: u.accessToken })).status).toBe(202)
    expect((await h.call('POST', '/auth/email/resend', { token: u.accessToken })).status).toBe(429)
    const fresh = await h.code(u.email, /verification code/)
    expect(
      (await h.call('POST', '/auth/email/verify', { token: u.accessToken, body: { code: fresh } }))
        .status,
    ).toBe(200)
  })
})

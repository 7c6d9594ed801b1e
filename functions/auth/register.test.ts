import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthHarness, authHarness } from '../../test/auth-harness'

let h: AuthHarness
beforeAll(async () => {
  h = await authHarness({ ADMIN_EMAILS: 'boss@example.com, Chief@Example.com' })
})
afterAll(() => h.close())

describe('POST /auth/register', () => {
  it('creates an unverified account, signs it in and emails a verification code', async () => {
    const email = h.email()
    const res = await h.call('POST', '/auth/register', { body: { email: ` ${email.toUpperCase()} `, password: 'correct horse battery', name: 'Ada' } })
    expect(res.status).toBe(201)
    expect(res.body.user).toMatchObject({ email, name: 'Ada', role: 'user', emailVerified: false })
    expect(res.body.user.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/)
    expect(res.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 })
    const me = await h.call('GET', '/auth/me', { token: res.body.accessToken })
    expect(me.body).toMatchObject({ id: res.body.user.id, emailVerified: false })
    const mail = await h.smtp.latest(email, /verification code/)
    expect(mail.body).toContain('Content-Type: text/html')
    expect((await h.audit(res.body.user.id)).map((e) => e.action)).toEqual(['user.register'])
  })

  it('refuses an email already taken, whatever its case', async () => {
    const { email } = await h.register()
    const res = await h.call('POST', '/auth/register', { body: { email: email.toUpperCase(), password: 'another fine passphrase', name: 'B' } })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('EMAIL_TAKEN')
  })

  it.each([
    ['too short', 'short1!'],
    ['too long', 'x'.repeat(129)],
    ['among the most common', 'password123'],
  ])('refuses a password that is %s, naming the field', async (_what, password) => {
    const res = await h.call('POST', '/auth/register', { body: { email: h.email(), password, name: 'C' } })
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
    const bad = await h.call('POST', '/auth/register', { body: { email: 'not-an-email', password: 1, name: '' } })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['email', 'name', 'password'])
    const noDevice = await h.call('POST', '/auth/register', { body: { email: h.email(), password: 'a fine passphrase', name: 'D' }, device: '' })
    expect(noDevice.status).toBe(400)
  })

  it('refuses a request without the backend’s service token', async () => {
    const res = await h.call('POST', '/auth/register', { body: { email: h.email(), password: 'a fine passphrase', name: 'E' }, service: false })
    expect(res.status).toBe(401)
  })
})

describe('email verification', () => {
  it('verifies with the emailed code', async () => {
    const u = await h.register()
    const code = await h.code(u.email, /verification code/)
    const res = await h.call('POST', '/auth/email/verify', { token: u.accessToken, body: { code } })
    expect(res.status).toBe(200)
    expect((await h.call('GET', '/auth/me', { token: u.accessToken })).body.emailVerified).toBe(true)
  })

  it('makes an address listed in ADMIN_EMAILS an admin once it is verified, and nobody else', async () => {
    const boss = await h.register({ email: 'chief@example.com' })
    expect((await h.call('GET', '/auth/me', { token: boss.accessToken })).body.role).toBe('user') // not before the proof
    await h.call('POST', '/auth/email/verify', { token: boss.accessToken, body: { code: await h.code(boss.email, /verification code/) } })
    expect((await h.call('GET', '/auth/me', { token: boss.accessToken })).body.role).toBe('admin')
    const other = await h.register()
    await h.call('POST', '/auth/email/verify', { token: other.accessToken, body: { code: await h.code(other.email, /verification code/) } })
    expect((await h.call('GET', '/auth/me', { token: other.accessToken })).body.role).toBe('user')
  })

  it('kills the code after 5 wrong tries, and a resent code works', async () => {
    const u = await h.register()
    const code = await h.code(u.email, /verification code/)
    const wrong = code === '000000' ? '111111' : '000000'
    const tries = []
    for (let i = 0; i < 5; i++) tries.push(await h.call('POST', '/auth/email/verify', { token: u.accessToken, body: { code: wrong } }))
    expect(tries.map((t) => t.body.error.details.retry)).toEqual([true, true, true, true, false])
    expect((await h.call('POST', '/auth/email/verify', { token: u.accessToken, body: { code } })).status).toBe(401)
    const early = await h.call('POST', '/auth/email/resend', { token: u.accessToken })
    expect([early.status, early.body.error.code]).toEqual([429, 'RATE_LIMITED']) // the first code went out moments ago
    expect(early.body.error.details.retryAfter).toBeGreaterThan(0)
    h.advance(60_000)
    expect((await h.call('POST', '/auth/email/resend', { token: u.accessToken })).status).toBe(202)
    expect((await h.call('POST', '/auth/email/resend', { token: u.accessToken })).status).toBe(429)
    const fresh = await h.code(u.email, /verification code/)
    expect((await h.call('POST', '/auth/email/verify', { token: u.accessToken, body: { code: fresh } })).status).toBe(200)
  })
})

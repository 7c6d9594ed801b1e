import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthHarness, authHarness } from '../../test/auth-harness'
import { must } from '../../test/must'

let h: AuthHarness
beforeAll(async () => {
  h = await authHarness({ APP_URL: 'https://lingudesk.example' })
})
afterAll(() => h.close())

const forgot = (email: string) => h.call('POST', '/auth/password/forgot', { body: { email } })
const reset = (token: string, password: string) =>
  h.call('POST', '/auth/password/reset', { body: { token, password } })
const tokenFrom = async (email: string) => {
  const mail = await h.smtp.latest(email, /Reset your/)
  return must(
    mail.body.match(/https:\/\/lingudesk\.example\/reset-password#token=([A-Za-z0-9_-]{43})/),
  )[1]
}

describe('password reset', () => {
  it('answers the same whether or not the account exists', async () => {
    const u = await h.register()
    const known = await forgot(u.email)
    const unknown = await forgot(h.email())
    expect(known.status).toBe(202)
    expect(unknown).toEqual({ ...known, headers: unknown.headers })
    expect(known.body).toEqual(unknown.body)
  })

  it('sets the password with the emailed link once, ending every session', async () => {
    const u = await h.register()
    await forgot(u.email)
    const token = await tokenFrom(u.email)
    const res = await reset(token, 'a completely new passphrase')
    expect(res.body).toEqual({ reset: true })
    expect(res.body.accessToken).toBeUndefined() // it signs nobody in
    expect((await reset(token, 'yet another passphrase')).status).toBe(401) // single use
    expect(
      (await h.call('POST', '/auth/refresh', { body: { refreshToken: u.refreshToken } })).status,
    ).toBe(401)
    expect((await h.login(u.email, u.password)).status).toBe(401)
    expect((await h.login(u.email, 'a completely new passphrase')).status).toBe(200)
    expect((await h.audit(u.user.id)).map((e) => e.action)).toEqual(
      expect.arrayContaining(['user.password_reset_requested', 'user.password_reset']),
    )
  })

  it('expires after 30 minutes and only the newest link works', async () => {
    const u = await h.register()
    await forgot(u.email)
    const first = await tokenFrom(u.email)
    h.smtp.mails.length = 0
    await forgot(u.email)
    const second = await tokenFrom(u.email)
    expect((await reset(first, 'a completely new passphrase')).status).toBe(401)
    h.advance(31 * 60_000)
    expect((await reset(second, 'a completely new passphrase')).status).toBe(401)
  })

  it('lifts a lockout, and still asks for the second factor', async () => {
    const u = await h.register()
    await h.call('PUT', '/auth/two-factor', {
      token: u.accessToken,
      body: { enabled: true, password: u.password },
    })
    for (let i = 0; i < 5; i++) await h.login(u.email, 'wrong password')
    await forgot(u.email)
    expect((await reset(await tokenFrom(u.email), 'a completely new passphrase')).status).toBe(200)
    await h.smtp.latest(u.email, /unlocked/)
    const login = await h.login(u.email, 'a completely new passphrase')
    expect(login.body.twoFactorRequired).toBe(true)
    expect((await h.audit(u.user.id)).map((e) => e.action)).toContain('user.unlocked')
  })

  it('refuses a weak new password and a malformed token with 400', async () => {
    expect((await reset('A'.repeat(43), 'password')).status).toBe(400)
    expect((await reset('short', 'a completely new passphrase')).status).toBe(400)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthHarness, authHarness } from '../../test/auth-harness'

let h: AuthHarness
beforeAll(async () => {
  h = await authHarness()
})
afterAll(() => h.close())

const MINUTE = 60_000

describe('POST /auth/login', () => {
  it('signs in with the right password and records the client address', async () => {
    const u = await h.register()
    const res = await h.login(u.email.toUpperCase(), u.password)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      user: { id: u.user.id },
    })
    expect(await h.audit(u.user.id)).toContainEqual({
      action: 'user.login',
      outcome: 'ok',
      ip: '203.0.113.7',
    })
  })

  it('answers an unknown email and a wrong password the same way', async () => {
    const u = await h.register()
    const unknown = await h.login(h.email(), u.password)
    const wrong = await h.login(u.email, 'not the password')
    const strip = (r: typeof unknown) => ({
      status: r.status,
      code: r.body.error.code,
      message: r.body.error.message,
      details: r.body.error.details,
    })
    expect(strip(unknown)).toEqual(strip(wrong))
    expect(wrong.status).toBe(401)
  })

  it('says an account is locked, and for how long, from the failure that locks it on, whatever the password', async () => {
    const u = await h.register()
    for (let i = 0; i < 4; i++)
      expect((await h.login(u.email, 'not the password')).body.error.code).toBe(
        'INVALID_CREDENTIALS',
      )
    const locking = await h.login(u.email, 'not the password')
    const right = await h.login(u.email, u.password)
    for (const r of [locking, right]) {
      expect(r.status).toBe(429)
      expect(r.body.error).toMatchObject({
        code: 'ACCOUNT_LOCKED',
        details: { retryAfter: expect.any(Number), until: expect.any(String) },
      })
      expect(r.body.error.details.retryAfter).toBeGreaterThan(0)
      expect(r.body.error.details.retryAfter).toBeLessThanOrEqual(60)
    }
  })
})

describe('lockout', () => {
  it('locks after 5 failures, ignores failures while locked, doubles, and resets on success', async () => {
    const u = await h.register()
    for (let i = 0; i < 5; i++) await h.login(u.email, 'wrong password')
    await h.smtp.latest(u.email, /temporarily locked/)
    expect((await h.login(u.email, u.password)).status).toBe(429) // locked: even the right password
    for (let i = 0; i < 10; i++) await h.login(u.email, 'wrong password') // uncounted while locked
    h.advance(MINUTE + 1000)
    expect((await h.login(u.email, u.password)).status).toBe(200) // 1 minute, then open again

    for (let i = 0; i < 5; i++) await h.login(u.email, 'wrong password')
    h.advance(MINUTE + 1000)
    expect((await h.login(u.email, u.password)).status).toBe(200) // the success reset the doubling

    for (let lock = 1; lock <= 2; lock++)
      for (let i = 0; i < 5; i++) {
        await h.login(u.email, 'wrong password')
        if (i === 4 && lock === 1) h.advance(MINUTE + 1000) // let the first lock lapse without a success
      }
    h.advance(MINUTE + 1000)
    expect((await h.login(u.email, u.password)).status).toBe(429) // second lock lasts 2 minutes
    h.advance(MINUTE)
    expect((await h.login(u.email, u.password)).status).toBe(200)

    const actions = (await h.audit(u.user.id)).map((e) => e.action)
    expect(actions.filter((a) => a === 'user.locked')).toHaveLength(4)
    expect(actions.filter((a) => a === 'user.unlocked')).toHaveLength(3)
  })

  it('never locks for more than an hour', async () => {
    const u = await h.register()
    for (let lock = 0; lock < 9; lock++) {
      for (let i = 0; i < 5; i++) await h.login(u.email, 'wrong password')
      h.advance(61 * MINUTE)
    }
    expect((await h.login(u.email, u.password)).status).toBe(200)
  })
})

describe('email second factor', () => {
  const withTwoFactor = async () => {
    const u = await h.register()
    const on = await h.call('PUT', '/auth/two-factor', {
      token: u.accessToken,
      body: { enabled: true, password: u.password },
    })
    expect(on.body.twoFactor).toBe(true)
    return u
  }

  it('answers a password sign-in with a challenge, then signs in with the emailed code', async () => {
    const u = await withTwoFactor()
    const first = await h.login(u.email, u.password)
    expect(first.body).toEqual({
      twoFactorRequired: true,
      challenge: expect.any(String),
      expiresIn: 600,
    })
    expect(first.body.accessToken).toBeUndefined()
    const code = await h.code(u.email, /sign-in code/)
    const done = await h.call('POST', '/auth/login/verify', {
      body: { challenge: first.body.challenge, code },
    })
    expect(done.status).toBe(200)
    expect(done.body.user.id).toBe(u.user.id)
    const again = await h.call('POST', '/auth/login/verify', {
      body: { challenge: first.body.challenge, code },
    })
    expect(again.status).toBe(401) // single use
  })

  it('kills the challenge after 5 wrong codes, refuses another device, and expires after 10 minutes', async () => {
    const u = await withTwoFactor()
    const first = await h.login(u.email, u.password)
    const code = await h.code(u.email, /sign-in code/)
    const other = await h.call('POST', '/auth/login/verify', {
      body: { challenge: first.body.challenge, code },
      device: 'another-device-123456',
    })
    expect(other.status).toBe(401)
    const wrong = code === '000000' ? '111111' : '000000'
    for (let i = 0; i < 5; i++)
      await h.call('POST', '/auth/login/verify', {
        body: { challenge: first.body.challenge, code: wrong },
      })
    expect(
      (
        await h.call('POST', '/auth/login/verify', {
          body: { challenge: first.body.challenge, code },
        })
      ).status,
    ).toBe(401)

    const second = await h.login(u.email, u.password)
    const code2 = await h.code(u.email, /sign-in code/)
    h.advance(10 * MINUTE + 1000)
    expect(
      (
        await h.call('POST', '/auth/login/verify', {
          body: { challenge: second.body.challenge, code: code2 },
        })
      ).status,
    ).toBe(401)
    const actions = (await h.audit(u.user.id)).map((e) => `${e.action}:${e.outcome}`)
    expect(actions).toContain('user.two_factor_sent:ok')
    expect(actions).toContain('user.two_factor:failed')
  })

  it('is always on for admins, who cannot turn it off', async () => {
    const u = await h.register()
    await h.db.owner.query(`update public.users set admin = true where id = $1`, [u.user.id])
    expect((await h.login(u.email, u.password)).body.twoFactorRequired).toBe(true)
    const off = await h.call('PUT', '/auth/two-factor', {
      token: u.accessToken,
      body: { enabled: false, password: u.password },
    })
    expect(off.status).toBe(403) // the old token still says "user"; the account says admin
  })
})

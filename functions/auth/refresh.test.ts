import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthHarness, authHarness } from '../../test/auth-harness'

let h: AuthHarness
beforeAll(async () => {
  h = await authHarness({ REFRESH_GRACE_S: '20' })
})
afterAll(() => h.close())

const DAY = 86_400_000
const refresh = (refreshToken: string, device?: string) =>
  h.call('POST', '/auth/refresh', { body: { refreshToken }, device })

describe('POST /auth/refresh', () => {
  it('rotates: a new refresh token and access token each time', async () => {
    const u = await h.register()
    const one = await refresh(u.refreshToken)
    expect(one.status).toBe(200)
    expect(one.body.refreshToken).not.toBe(u.refreshToken)
    const two = await refresh(one.body.refreshToken)
    expect(two.status).toBe(200)
    expect((await h.call('GET', '/auth/me', { token: two.body.accessToken })).status).toBe(200)
  })

  it('returns the same successor to a retry within the grace window', async () => {
    const u = await h.register()
    const first = await refresh(u.refreshToken)
    h.advance(5000)
    const retry = await refresh(u.refreshToken)
    expect(retry.status).toBe(200)
    expect(retry.body.refreshToken).toBe(first.body.refreshToken)
  })

  it('revokes the whole session when a rotated token comes back after the grace window', async () => {
    const u = await h.register()
    const next = await refresh(u.refreshToken)
    h.advance(21_000)
    const replay = await refresh(u.refreshToken)
    expect(replay.status).toBe(401)
    expect(replay.body.error).toMatchObject({
      code: 'SESSION_EXPIRED',
      details: { reason: 'reuse' },
    })
    expect((await refresh(next.body.refreshToken)).status).toBe(401) // the family is gone
    expect((await h.audit(u.user.id)).map((e) => e.action)).toContain('session.refresh_reuse')
  })

  it('refuses a token presented from another device', async () => {
    const u = await h.register()
    const res = await refresh(u.refreshToken, 'some-other-device-42')
    expect(res.status).toBe(401)
    expect((await refresh(u.refreshToken)).status).toBe(200) // and the rightful device still can
  })

  it('gives 10 concurrent refreshes of one token a single successor', async () => {
    const u = await h.register()
    const replies = await Promise.all(Array.from({ length: 10 }, () => refresh(u.refreshToken)))
    const ok = replies.filter((r) => r.status === 200)
    expect(replies.every((r) => r.status === 200 || r.status === 409)).toBe(true)
    expect(new Set(ok.map((r) => r.body.refreshToken)).size).toBe(1)
    const [{ n }] = await h.db.owner.query<{ n: string }>(
      `select count(*) as n from auth.refresh_tokens t join auth.sessions s on s.id = t.session_id
       where s.user_id = $1 and t.rotated_at is null`,
      [u.user.id],
    )
    expect(Number(n)).toBe(1)
  })

  it('ends a chain unused for 7 days, and any session after its absolute lifetime', async () => {
    const idle = await h.register()
    h.advance(7 * DAY + 1000)
    expect((await refresh(idle.refreshToken)).status).toBe(401)

    let { refreshToken } = await h.register()
    for (let day = 0; day < 90; day += 6) {
      h.advance(6 * DAY)
      const r = await refresh(refreshToken)
      if (day + 6 < 90) expect(r.status).toBe(200)
      else expect(r.status).toBe(401)
      refreshToken = r.body.refreshToken ?? refreshToken
    }
  })

  it('refuses garbage with 400 and an unknown token with 401', async () => {
    expect((await refresh('not a token')).status).toBe(400)
    expect((await refresh('A'.repeat(43))).status).toBe(401)
  })
})

describe('sessions', () => {
  it('lists live sessions with the current one marked, and revokes one', async () => {
    const u = await h.register()
    const other = await h.login(u.email, u.password, 'second-device-123456')
    const list = await h.call('GET', '/auth/sessions', { token: u.accessToken })
    expect(list.body.sessions).toHaveLength(2)
    expect(list.body.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1)
    const target = list.body.sessions.find(
      (s: { deviceId: string }) => s.deviceId === 'second-device-123456',
    )
    expect(
      (await h.call('DELETE', `/auth/sessions/${target.id}`, { token: u.accessToken })).status,
    ).toBe(204)
    expect((await refresh(other.body.refreshToken, 'second-device-123456')).status).toBe(401)
    expect(
      (await h.call('DELETE', `/auth/sessions/${target.id}`, { token: u.accessToken })).status,
    ).toBe(404)
  })

  it('logout ends only the current session', async () => {
    const u = await h.register()
    const other = await h.login(u.email, u.password, 'second-device-123456')
    expect((await h.call('POST', '/auth/logout', { token: u.accessToken })).status).toBe(204)
    expect((await refresh(u.refreshToken)).status).toBe(401)
    expect((await refresh(other.body.refreshToken, 'second-device-123456')).status).toBe(200)
  })

  it('a password change ends every session and needs the current password', async () => {
    const u = await h.register()
    const other = await h.login(u.email, u.password, 'second-device-123456')
    const wrong = await h.call('POST', '/auth/password', {
      token: u.accessToken,
      body: { currentPassword: 'nope', newPassword: 'a brand new passphrase' },
    })
    expect(wrong.status).toBe(403)
    const ok = await h.call('POST', '/auth/password', {
      token: u.accessToken,
      body: { currentPassword: u.password, newPassword: 'a brand new passphrase' },
    })
    expect(ok.status).toBe(200)
    expect((await refresh(u.refreshToken)).status).toBe(401)
    expect((await refresh(other.body.refreshToken, 'second-device-123456')).status).toBe(401)
    expect((await h.login(u.email, 'a brand new passphrase')).status).toBe(200)
    await h.smtp.latest(u.email, /password was changed/)
  })
})

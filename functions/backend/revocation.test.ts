import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { startRedisServer } from '../../test/redis-server'
import { must } from '../../test/must'

// A Redis of this file's own: the last test stops it.
let redis: Awaited<ReturnType<typeof startRedisServer>>
let p: PlatformHarness
beforeAll(async () => {
  redis = await startRedisServer()
  p = await platformHarness({ redisUrl: redis.url })
})
afterAll(async () => {
  await p?.close()
  await redis?.stop()
})

type Browser = ReturnType<PlatformHarness['browser']>
const decks = (b: Browser, token = b.token) =>
  b.call('GET', '/api/decks', { headers: { authorization: `Bearer ${token}` } })
/** A second device of the same user: its own session and access token. */
async function secondDevice(email: string, password: string) {
  const b = p.browser()
  expect((await b.call('POST', '/api/auth/login', { body: { email, password } })).status).toBe(200)
  return b
}
/** Refused at the gateway at once: the verified-token cache had the token, and it did not matter. */
async function refusedNow(b: Browser, token: string) {
  const started = performance.now()
  const res = await decks(b, token)
  expect(res.status).toBe(401)
  expect(performance.now() - started).toBeLessThan(1000)
}

describe('revoked sessions lose their access tokens at the gateway', () => {
  it('logout: this session only', async () => {
    const a = p.browser()
    const { email, password } = await a.register()
    const other = await secondDevice(email, password)
    const token = must(a.token)
    expect((await decks(a)).status).toBe(200) // verified and cached
    expect((await a.call('POST', '/api/auth/logout')).status).toBe(204)
    await refusedNow(a, token)
    expect((await decks(other)).status).toBe(200)
  })

  it('revoking one session from another device', async () => {
    const a = p.browser()
    const { email, password } = await a.register()
    const lost = await secondDevice(email, password)
    expect((await decks(lost)).status).toBe(200)
    const { sessions } = (await a.call('GET', '/api/auth/sessions')).body
    const mine = must(a.token).split('.')[1]
    const sid = JSON.parse(Buffer.from(mine, 'base64url').toString()).sid
    const target = sessions.find((s: { id: string }) => s.id !== sid)
    expect((await a.call('DELETE', `/api/auth/sessions/${target.id}`)).status).toBe(204)
    await refusedNow(lost, must(lost.token))
    expect((await decks(a)).status).toBe(200)
  })

  it('password change and password reset: every session', async () => {
    const a = p.browser()
    const { email, password } = await a.register()
    const b = await secondDevice(email, password)
    const [ta, tb] = [must(a.token), must(b.token)]
    expect(
      (
        await a.call('POST', '/api/auth/password', {
          body: { currentPassword: password, newPassword: 'a second passphrase' },
        })
      ).status,
    ).toBe(200)
    await refusedNow(a, ta)
    await refusedNow(b, tb)

    const c = await secondDevice(email, 'a second passphrase')
    const tc = must(c.token)
    expect((await decks(c)).status).toBe(200)
    await p.browser().call('POST', '/api/auth/password/forgot', { body: { email } })
    const link = must(
      (await p.smtp.latest(email, /Reset your/)).body.match(/#token=([A-Za-z0-9_-]{43})/),
    )[1]
    expect(
      (
        await p.browser().call('POST', '/api/auth/password/reset', {
          body: { token: link, password: 'a third passphrase' },
        })
      ).status,
    ).toBe(200)
    await refusedNow(c, tc)
  })

  it('an admin disabling the account: every session', async () => {
    const victim = p.browser()
    const { email, password } = await victim.register()
    const other = await secondDevice(email, password)
    const admin = p.browser()
    const boss = await admin.register()
    await p.db.owner.query(`update public.users set admin = true where email = $1`, [boss.email])
    const challenge = (
      await admin.call('POST', '/api/auth/login', {
        body: { email: boss.email, password: boss.password },
      })
    ).body.challenge
    const code = must((await p.smtp.latest(boss.email, /sign-in code/)).subject.match(/(\d{6})/))[1]
    expect(
      (await admin.call('POST', '/api/auth/login/verify', { body: { challenge, code } })).status,
    ).toBe(200)
    const id = (await victim.call('GET', '/api/whoami')).body.id
    const disabled = await admin.call('PUT', `/api/admin/users/${id}/status`, {
      body: { status: 'disabled', reason: 'abuse report' },
    })
    expect(disabled.status).toBe(200)
    await refusedNow(victim, must(victim.token))
    await refusedNow(other, must(other.token))
  })

  it('with Redis down: fails open at the gateway (nobody is signed out), auth still refuses a revoked session, AI fails closed', async () => {
    const a = p.browser()
    const { email, password } = await a.register()
    const gone = await secondDevice(email, password)
    const revokedToken = must(gone.token)
    expect((await gone.call('POST', '/api/auth/logout')).status).toBe(204)
    await refusedNow(gone, revokedToken)

    await redis.stop()
    expect((await decks(a)).status).toBe(200) // a live session keeps working
    expect((await decks(gone, revokedToken)).status).toBe(200) // the stated cost: the deny-list cannot be read
    const me = await gone.call('GET', '/api/auth/me', {
      headers: { authorization: `Bearer ${revokedToken}` },
    })
    expect(me.status).toBe(401) // auth checks the session in PostgreSQL
    const ai = await a.call('POST', '/api/ai/translate', {
      body: { text: 'Hund', from: 'de', to: 'en' },
    })
    expect(ai.status).toBe(503)
    const metrics = await (await fetch(`${p.backend.url}/metrics`)).text()
    expect(metrics).toMatch(/revocation_check_fail_open_total\{[^}]*\} [1-9]/)
    await redis.start()
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthHarness, authHarness } from '../../test/auth-harness'

let h: AuthHarness
beforeAll(async () => {
  h = await authHarness()
})
afterAll(() => h.close())

/** Requests waiting for the lock that makes the first signing key. */
const waiting = async () =>
  Number(
    (
      await h.db.owner.query<{ n: string }>(
        `select count(*) as n from pg_locks where locktype = 'advisory' and not granted
         and database = (select oid from pg_database where datname = current_database())`,
      )
    )[0].n,
  )
const until = async (n: number) => {
  while ((await waiting()) < n) await new Promise((ok) => setTimeout(ok, 20))
}

describe('the first signing key', () => {
  it('concurrent first sign-ups on a fresh database each get a token, all signed by the one first key', async () => {
    const started = await Promise.all(
      [0, 1].map(async () => {
        const email = h.email()
        const r = await h.call('POST', '/auth/register', {
          body: { email, password: 'long and personal words', name: 'Ada' },
        })
        return { challenge: r.body.challenge, code: await h.code(email, /verification code/) }
      }),
    )
    // The sign-up whose clock reads later takes the lock first and makes the key (as when two auth
    // instances' clocks differ by a second, or two requests read the clock a moment apart).
    const verify = (i: number) => h.call('POST', '/auth/register/verify', { body: started[i] })
    const [late, early] = await h.db.owner.transaction(async (sql) => {
      await sql(`select pg_advisory_xact_lock(hashtext('auth.signing_keys'))`)
      h.advance(1000)
      const late = verify(0)
      await until(1)
      h.advance(-1000)
      const early = verify(1)
      await until(2)
      return [late, early]
    })
    const answers = await Promise.all([late, early])
    expect(answers.map((a) => a.status)).toEqual([201, 201])
    const kids = await h.db.owner.query<{ kid: string }>(`select kid from auth.signing_keys`)
    expect(kids).toHaveLength(1)
    for (const a of answers)
      expect((await h.call('GET', '/auth/me', { token: a.body.accessToken })).status).toBe(200)
  })
})

import { afterAll, bench, describe } from 'vitest'
import { authHarness } from '../test/auth-harness'

// Login latency through the auth app (real database, real SMTP), at the bcrypt costs production may use,
// and the unknown-email path, which must cost about the same as a wrong password.
for (const cost of ['10', '12']) {
  const h = await authHarness({ BCRYPT_COST: cost })
  const u = await h.register()
  afterAll(() => h.close())
  describe(`login, bcrypt cost ${cost}`, () => {
    const opts = { iterations: 20, warmupIterations: 2, time: 0 }
    bench('right password', async () => void (await h.login(u.email, u.password)), opts)
    bench(
      'wrong password',
      async () => {
        await h.login(u.email, 'wrong password')
        await h.db.owner.query(`update auth.accounts set failed_logins = 0 where user_id = $1`, [
          u.user.id,
        ])
      },
      opts,
    )
    bench('unknown email', async () => void (await h.login(h.email(), u.password)), opts)
  })
}

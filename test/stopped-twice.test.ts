import { expect, it } from 'vitest'
import { startRedisServer } from './redis-server'
import { startRoleProcess } from './role-process'

// A process killed by a signal has no exit code: a second stop waited for an exit that had already happened.
const within5s = (p: Promise<unknown>) =>
  Promise.race([p.then(() => 'done'), new Promise((r) => setTimeout(() => r('hung'), 5000))])

it('a stopped Redis server can be stopped again (an afterAll after a test that stopped it)', async () => {
  const redis = await startRedisServer()
  await redis.stop()
  expect(await within5s(redis.stop())).toBe('done')
})

it('a killed role process can be killed again', async () => {
  const role = await startRoleProcess('frontend', { BACKEND_URL: 'http://127.0.0.1:1' })
  await role.kill()
  expect(await within5s(role.kill())).toBe('done')
}, 150_000)

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({ aiEnv: {}, backendEnv: { RATE_LIMIT_PUBLIC: '4/60' } })
})
afterAll(() => p?.close())

describe('GET /api/status and /api/admin/status', () => {
  it('tells the public only "up", and admins each service, breaker and provider', async () => {
    const res = await p.browser().call('GET', '/api/status')
    expect([res.status, res.body]).toEqual([200, { status: 'up' }])
    const admin = await p.admin()
    const details = await admin.call('GET', '/api/admin/status')
    expect(details.body).toMatchObject({
      status: 'up',
      services: { backend: 'up', auth: 'up', credit: 'up', ai: 'up' },
      breakers: { auth: 'closed', credit: 'closed', ai: 'closed' },
    })
    expect(details.body.aiProviders.offline).toMatchObject({ configured: true, state: 'closed' })
    expect(details.body.aiProviders.chatgpt).toMatchObject({ configured: false })
    const learner = p.browser()
    await learner.register()
    expect((await learner.call('GET', '/api/admin/status')).status).toBe(403)
  })

  it('is limited per client address like the other public routes', async () => {
    const b = p.browser()
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push((await b.call('GET', '/api/status')).status)
    expect(statuses).toEqual([200, 200, 200, 200, 429])
  })

  it('says "degraded" to the public and names the service to admins when one is down', async () => {
    const admin = await p.admin()
    await p.credit.close()
    const res = await p.browser().call('GET', '/api/status')
    expect([res.status, res.body]).toEqual([503, { status: 'degraded' }])
    expect((await admin.call('GET', '/api/admin/status')).body).toMatchObject({
      status: 'degraded',
      services: { auth: 'up', credit: 'down', ai: 'up' },
    })
  })
})

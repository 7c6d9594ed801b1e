import { Hono } from 'hono'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { probeServices } from './_lib/probe'
import type { BackendEnv } from './env'

/**
 * Public health: only up or degraded (503), limited per client address like the other public routes, since
 * each call pings three services. Which service, breaker or provider is failing is for admins
 * (`/api/admin/status`): it tells an attacker what to push on.
 */
export default new Hono<BackendEnv>().get('/api/status', rateLimit('public'), async (c) => {
  const { down } = await probeServices(c)
  return c.json({ status: down.length ? 'degraded' : 'up' }, down.length ? 503 : 200)
})

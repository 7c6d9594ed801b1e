import { Hono } from 'hono'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { probeServices } from './_lib/probe'
import type { BackendEnv } from './env'

/** For admins: each core service, this backend's breaker to it, and each AI provider's state. */
export default new Hono<BackendEnv>().get(
  '/api/admin/status',
  requireUser({ roles: ['admin'] }),
  rateLimit('admin'),
  async (c) => {
    const { services, down } = await probeServices(c)
    const aiProviders =
      services.ai === 'up'
        ? await c.var.services
            .call('ai', '/ai/health', { requestId: c.var.requestId, timeoutMs: 2000 })
            .then(
              (r) => (r.ok ? r.json() : null),
              () => null,
            )
        : null
    return c.json({
      status: down.length ? 'degraded' : 'up',
      services: { backend: 'up', ...services },
      breakers: c.var.services.health(),
      aiProviders: (aiProviders as { plugins?: unknown } | null)?.plugins ?? null,
    })
  },
)

import { Hono } from 'hono'
import { ApiError, errorBody } from '../../lib/errors'
import type { BackendEnv } from './env'

const CORE = ['auth', 'credit', 'ai'] as const

/** Which core services the backend can reach with a valid service token right now. */
export default new Hono<BackendEnv>().get('/api/status', async (c) => {
  const replies = await Promise.allSettled(
    CORE.map((role) =>
      c.var.services.call(role, '/internal/ping', { requestId: c.var.requestId }).then((r) => r.ok),
    ),
  )
  const services = Object.fromEntries(
    CORE.map((role, i) => {
      const r = replies[i]
      return [role, r.status === 'fulfilled' && r.value ? 'up' : 'down']
    }),
  )
  // Which AI providers the AI role can use right now (a failing one shows its breaker open).
  const aiProviders =
    services.ai === 'up'
      ? await c.var.services.call('ai', '/ai/health', { requestId: c.var.requestId, timeoutMs: 2000 }).then((r) => (r.ok ? r.json() : null), () => null)
      : null
  const down = CORE.filter((role) => services[role] === 'down')
  if (!down.length) return c.json({ status: 'ok', services: { backend: 'up', ...services }, aiProviders: (aiProviders as { plugins?: unknown })?.plugins ?? null })
  const err = new ApiError('UNAVAILABLE', `Unavailable: ${down.join(', ')}`, { services })
  return c.json(errorBody(err, c.var.requestId), 503)
})

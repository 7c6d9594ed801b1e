import { Hono } from 'hono'
import type { AppEnv } from '../../lib/app'
import { ApiError, errorBody } from '../../lib/errors'
import type { BackendDeps } from './index'

const CORE = ['auth', 'credit', 'ai'] as const

/** Which core services the backend can reach with a valid service token right now. */
export default new Hono<AppEnv<BackendDeps>>().get('/', async (c) => {
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
  const down = CORE.filter((role) => services[role] === 'down')
  if (!down.length) return c.json({ status: 'ok', services: { backend: 'up', ...services } })
  const err = new ApiError('UNAVAILABLE', `Unavailable: ${down.join(', ')}`, { services })
  return c.json(errorBody(err, c.var.requestId), 503)
})

import type { Context } from 'hono'
import type { BackendEnv } from '../env'

const CORE = ['auth', 'credit', 'ai'] as const

/** Whether each core service answers its ping with a valid service token right now. */
export async function probeServices<E extends BackendEnv>(c: Context<E>) {
  const replies = await Promise.allSettled(
    CORE.map((role) =>
      c.var.services
        .call(role, '/internal/ping', { requestId: c.var.requestId, timeoutMs: 2000 })
        .then((r: Response) => r.ok),
    ),
  )
  const services = Object.fromEntries(
    CORE.map((role, i) => [
      role,
      replies[i].status === 'fulfilled' && replies[i].value ? 'up' : 'down',
    ]),
  )
  return { services, down: CORE.filter((role) => services[role] === 'down') }
}

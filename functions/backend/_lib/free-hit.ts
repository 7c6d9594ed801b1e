import type { Context, Next } from 'hono'
import type { User } from '../../../lib/app'
import { COST_HEADER, FREE_ONLY_HEADER } from '../../../lib/middleware/credits'
import { named } from '../../../lib/middleware/named'
import type { BackendEnv } from '../env'
import { callRoute, forward } from './call-route'
import type { RouteSpec } from './routes'

type Env = BackendEnv & { Variables: { user: User } }
/** A free hit is one cache lookup at the AI role: past this, the paid path (which waits longer) goes on. */
const ASK_TIMEOUT_MS = 2000

/**
 * Before any money moves: the AI role answers a call without an Idempotency-Key only when it is a cache hit
 * that costs nothing (hits are free: AI_CACHE_HIT_FRACTION 0). A free hit goes back at once: no hold, no
 * settle. A keyed call goes to `paid` even when it would be free, as does anything else (204, an error, no
 * answer): its answer must be stored under its key, or a retry could get another (a cached answer is replaced
 * when the same request runs again, an image with new media).
 */
export const freeHit = (
  r: RouteSpec,
  path: (c: Context<Env>) => string,
  raw: (c: Context<Env>) => Promise<string | undefined>,
) =>
  named('freeHit', async (c: Context<Env>, next: Next) => {
    if (c.req.header('idempotency-key') !== undefined) return next()
    const res = await callRoute(
      c,
      r,
      path(c),
      { raw: await raw(c) },
      {
        timeoutMs: ASK_TIMEOUT_MS,
        headers: { [FREE_ONLY_HEADER]: 'true' },
      },
    ).catch(() => null)
    if (res?.status === 200 && res.headers.get(COST_HEADER) === '0') return forward(c, res)
    await res?.body?.cancel()
    return next()
  })

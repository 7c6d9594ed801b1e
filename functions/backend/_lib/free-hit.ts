import type { Context, Next } from 'hono'
import type { User } from '../../../lib/app'
import { answerHeader } from '../../../lib/answer-header'
import {
  COST_HEADER,
  FREE_ONLY_HEADER,
  IDEMPOTENCY_KEY,
  KEY_HEADER,
} from '../../../lib/middleware/credits'
import { named } from '../../../lib/middleware/named'
import type { BackendEnv } from '../env'
import { callRoute } from './call-route'
import type { RouteSpec } from './routes'

type Env = BackendEnv & { Variables: { user: User } }
/** A free hit is one cache lookup at the AI role: past this, the paid path (which waits longer) goes on. */
const ASK_TIMEOUT_MS = 2000

/**
 * Before any money moves: the AI role answers this call only when it is a cache hit that costs nothing (hits
 * are free: AI_CACHE_HIT_FRACTION 0) and was not made under this request's Idempotency-Key, whose retry is
 * credit's to answer (its stored answer, or a rerun priced in full when the call that made it was never
 * charged). A free hit goes back at once: no hold, no settle, nothing stored under the key (only charged
 * answers are). Anything else — 204, an error, no answer — goes on to `paid`, which decides as before.
 */
export const freeHit = (
  r: RouteSpec,
  path: (c: Context<Env>) => string,
  raw: (c: Context<Env>) => Promise<string | undefined>,
) =>
  named('freeHit', async (c: Context<Env>, next: Next) => {
    const key = c.req.header('idempotency-key')
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) return next() // `paid` answers 400
    const res = await callRoute(
      c,
      r,
      path(c),
      { raw: await raw(c) },
      {
        timeoutMs: ASK_TIMEOUT_MS,
        headers: { [FREE_ONLY_HEADER]: 'true', [KEY_HEADER]: key ?? '' },
      },
    ).catch(() => null)
    if (res?.status === 200 && res.headers.get(COST_HEADER) === '0') {
      // Its small JSON was read whole on the way in (lib/node/upstream.ts): sent on with its length in one
      // write, where a stream goes out chunked (head, chunk and end written apart); one header through Hono
      // keeps node-server's plain path, the cost goes onto the Node response as the security headers do.
      answerHeader(c, COST_HEADER, '0')
      const type = res.headers.get('content-type') ?? 'application/json'
      return c.body(new Uint8Array(await res.arrayBuffer()), 200, { 'content-type': type })
    }
    await res?.body?.cancel()
    return next()
  })

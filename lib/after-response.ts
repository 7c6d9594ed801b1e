import type { Context } from 'hono'
import { getRuntimeKey } from 'hono/adapter'
import type { AppEnv } from './app'

// Only workerd ends a request's work with its answer. Node has no execution context (Hono throws when asked,
// a stack trace per call): the process outlives the request anyway.
const keepAlive = getRuntimeKey() === 'workerd'

/**
 * Work the answer must not wait for: it runs after the handler returns, kept alive by waitUntil on workerd;
 * failures are logged.
 */
export function afterResponse<E extends AppEnv>(c: Context<E>, task: () => Promise<unknown>) {
  const done = task().catch((err: Error) =>
    c.var.log.error('background task failed', { requestId: c.var.requestId, error: err.message }),
  )
  if (keepAlive) c.executionCtx.waitUntil(done)
}

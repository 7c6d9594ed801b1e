import { Hono } from 'hono'
import type { AiEnv } from './env'

/** Each provider's state for the backend's health view: configured, breaker, queue depth. */
export default new Hono<AiEnv>().get('/ai/health', (c) =>
  c.json({
    plugins: Object.fromEntries(
      Object.entries(c.var.plugins).map(([id, e]) => [
        id,
        {
          kind: e.plugin.kind,
          configured: e.plugin.configured,
          state: e.breaker.state(),
          queued: e.queued,
        },
      ]),
    ),
  }),
)

import { Hono } from 'hono'
import { outcomesSince } from '../../lib/ai/reports'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import type { AiEnv } from './env'

/**
 * Each provider for the operations panel: live (configured) or in demo mode (the offline plugin answers for
 * it), its breaker, its queue, and its calls and error rate over the last hour (cache hits left out).
 */
export default new Hono<AiEnv>().get(
  '/ai/admin/providers',
  requireUser({ roles: ['admin'] }),
  async (c) => {
    const lastHour = await asService(c.var.db, (sql) =>
      outcomesSince(sql, new Date(c.var.now() - 3_600_000)),
    )
    const providers = Object.entries(c.var.plugins).map(([id, e]) => {
      const { calls = 0, errors = 0 } = lastHour[id] ?? {}
      return {
        id,
        kind: e.plugin.kind,
        mode: id === 'offline' || e.plugin.configured ? 'live' : 'demo',
        breaker: e.breaker.state(),
        queued: e.queued,
        lastHour: { calls, errors, errorRate: calls ? errors / calls : 0 },
      }
    })
    return c.json({ providers })
  },
)

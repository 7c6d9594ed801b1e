import { Hono } from 'hono'
import { exportContent } from '../../lib/content/account'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'

/**
 * Everything Lingudesk holds about the signed-in user, as one JSON document: profile, sessions and audit
 * events (auth), decks, cards and review history (content), the credit ledger (credit). Media appear as links
 * the user can open while signed in.
 */
export default new Hono<BackendEnv>().get('/api/account/export', requireUser(), rateLimit('standard'), async (c) => {
  const userId = c.var.user.id
  const fetchJson = async (role: 'auth' | 'credit', path: string) => {
    const res = await c.var.services.call(role, path, { requestId: c.var.requestId, timeoutMs: 30_000 })
    if (!res.ok) throw new ApiError('UNAVAILABLE', 'The export could not be assembled; try again shortly', { retryAfter: 10 })
    return res.json()
  }
  const [identity, credits, content] = await Promise.all([
    fetchJson('auth', `/internal/users/${userId}/export`),
    fetchJson('credit', `/internal/users/${userId}/export`),
    asUser(c.var.db, userId, (sql) => exportContent(sql, new Date(c.var.now()))),
  ])
  c.header('content-disposition', `attachment; filename="lingudesk-${userId}.json"`)
  return c.json({ exportedAt: new Date(c.var.now()).toISOString(), ...identity, ...content, credits })
})

import { Hono } from 'hono'
import { z } from 'zod'
import { unsharedMedia } from '../../lib/content/account'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { forgetUser, rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import { clearRefreshCookie } from './_lib/cookies'
import type { BackendEnv } from './env'

/**
 * Deletes the signed-in account after checking its password: media no other learner uses (AI), rate-limit
 * counters (Redis), then the account itself (auth), which takes content and sessions with it and keeps the
 * ledger under a pseudonym. Every step can run again, so a failed deletion is finished by retrying it.
 */
export default new Hono<BackendEnv>().post(
  '/api/account/delete',
  requireUser(),
  rateLimit('standard'),
  validate('json', z.object({ password: z.string().min(1).max(1024) })),
  async (c) => {
    const userId = c.var.user.id
    const step = async (role: 'auth' | 'ai', path: string, body: unknown) => {
      const res = await c.var.services.call(role, path, {
        body,
        requestId: c.var.requestId,
        timeoutMs: 60_000,
      })
      if (res.status === 403 || res.status === 429) {
        // a wrong password, or an account locked by wrong passwords
        const { error } = (await res.json()) as {
          error: { code: 'FORBIDDEN' | 'ACCOUNT_LOCKED'; message: string; details?: unknown }
        }
        throw new ApiError(error.code, error.message, error.details)
      }
      if (!res.ok)
        throw new ApiError(
          'UNAVAILABLE',
          'The account could not be deleted completely; try again shortly',
          { retryAfter: 10 },
        )
    }
    await step('auth', `/internal/users/${userId}/reauth`, c.req.valid('json'))
    const keys = await asUser(c.var.db, userId, (sql) => unsharedMedia(sql, userId))
    await step('ai', '/internal/media/erase', { keys })
    await forgetUser(c.var.kv, c.var.config, userId)
    await step('auth', `/internal/users/${userId}/erase`, {})
    clearRefreshCookie(c)
    return c.json({ deleted: true })
  },
)

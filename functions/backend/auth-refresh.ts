import { Hono } from 'hono'
import { ApiError } from '../../lib/errors'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { relayAuth } from './_lib/auth-relay'
import type { BackendEnv } from './env'
import { readRefreshCookie } from './_lib/cookies'

/**
 * A new access token from the refresh cookie. POST only, and only from an allowed Origin: the cookie
 * goes along with any same-site request, so the Origin check is what stops cross-site use.
 */
export default new Hono<BackendEnv>().post('/api/auth/refresh', rateLimit('public'), async (c) => {
  const origin = c.req.header('origin')
  if (!origin || !c.var.config.ALLOWED_ORIGINS.includes(origin))
    throw new ApiError('FORBIDDEN', 'Refresh is only allowed from the Lingudesk app')
  const refreshToken = readRefreshCookie(c)
  if (!refreshToken) throw new ApiError('SESSION_EXPIRED', 'You are signed out; sign in again')
  const { status, json } = await relayAuth(c, '/auth/refresh', { body: { refreshToken } })
  return c.json(json, status)
})

import { Hono } from 'hono'
import { z } from 'zod'
import { findAccount } from '../../lib/auth/accounts'
import { issueTokens, revokeSessions, rotateRefreshToken } from '../../lib/auth/sessions'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import { denyAccess } from './_lib/deny-access'
import type { AuthEnv } from './env'
import { DeviceHeader, publicUser } from './_lib/shared'

export const Body = z.object({
  refreshToken: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not a refresh token'),
})

/** Rotates the refresh token and returns a new access token; reuse of a rotated token ends the session. */
export default new Hono<AuthEnv>().post(
  '/auth/refresh',
  validate('header', DeviceHeader),
  validate('json', Body),
  async (c) => {
    const deviceId = c.req.valid('header')['x-device-id']
    const { kit, now } = c.var
    const meta = requestMeta(c)
    const result = await asService(c.var.db, async (sql) => {
      const outcome = await rotateRefreshToken(sql, kit, c.req.valid('json').refreshToken, deviceId)
      if (outcome.kind === 'refused') return { refused: outcome.reason }
      if (outcome.kind === 'reuse') {
        const ended = await revokeSessions(
          sql,
          outcome.userId,
          'refresh_reuse',
          now(),
          outcome.sessionId,
        )
        await audit(sql, meta, {
          actor: 'auth',
          action: 'session.refresh_reuse',
          subjectId: outcome.userId,
          outcome: 'refused',
          details: { sessionId: outcome.sessionId },
        })
        return { refused: 'reuse', ended }
      }
      const account = await findAccount(sql, outcome.userId)
      if (!account || account.status !== 'active') return { refused: 'not_active' }
      const tokens = await issueTokens(
        sql,
        kit,
        account,
        outcome.sessionId,
        outcome.refreshToken,
        meta,
      )
      return { account, tokens }
    })
    if (result.ended) await denyAccess(c, result.ended) // the thief's access token goes with the session
    if (result.refused === 'reuse') c.var.metrics?.count('refresh_reuse_total')
    if (!result.account)
      throw new ApiError('SESSION_EXPIRED', 'Your session has ended; sign in again', {
        reason: result.refused,
      })
    return c.json({ ...result.tokens, user: publicUser(result.account) })
  },
)

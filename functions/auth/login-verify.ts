import { Hono } from 'hono'
import { z } from 'zod'
import { findAccount } from '../../lib/auth/accounts'
import { checkCode } from '../../lib/auth/codes'
import { openSession } from '../../lib/auth/sessions'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { DeviceHeader, publicUser } from './_lib/shared'

export const Body = z.object({
  challenge: z.uuid(),
  code: z.string().regex(/^\d{6}$/, 'must be 6 digits'),
})

/** Second factor: the emailed code for the challenge that this device's password sign-in created. */
export default new Hono<AuthEnv>().post(
  '/auth/login/verify',
  validate('header', DeviceHeader),
  validate('json', Body),
  async (c) => {
    const { challenge, code } = c.req.valid('json')
    const deviceId = c.req.valid('header')['x-device-id']
    const { kit, now } = c.var
    const meta = requestMeta(c)
    const result = await asService(c.var.db, async (sql) => {
      const check = await checkCode(sql, {
        purpose: 'login',
        id: challenge,
        code,
        deviceId,
        now: now(),
      })
      if (!check.ok) {
        if (check.userId)
          await audit(sql, meta, {
            actor: check.userId,
            action: 'user.two_factor',
            subjectId: check.userId,
            outcome: 'failed',
          })
        return { dead: check.dead }
      }
      const account = await findAccount(sql, check.userId)
      if (!account || account.status !== 'active') return { dead: true }
      await audit(sql, meta, {
        actor: account.id,
        action: 'user.two_factor',
        subjectId: account.id,
      })
      await audit(sql, meta, {
        actor: account.id,
        action: 'user.login',
        subjectId: account.id,
        details: { twoFactor: true },
      })
      return { account, tokens: await openSession(sql, kit, account, deviceId, meta) }
    })
    if (!result.account)
      throw new ApiError(
        'INVALID_CODE',
        result.dead ? 'This code has expired; sign in again' : 'Wrong code; try again',
        {
          retry: !result.dead,
        },
      )
    return c.json({ ...result.tokens, user: publicUser(result.account) })
  },
)

import { Hono } from 'hono'
import { z } from 'zod'
import { createAccount } from '../../lib/auth/accounts'
import { takeRegistration } from '../../lib/auth/registrations'
import { openSession } from '../../lib/auth/sessions'
import { markEmailVerified, promoteListedAdmin } from '../../lib/auth/users'
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

/**
 * Finishes a sign-up with the emailed code: the account is created with its address proven (an address in
 * ADMIN_EMAILS becomes an admin) and signed in on this device.
 */
export default new Hono<AuthEnv>().post(
  '/auth/register/verify',
  validate('header', DeviceHeader),
  validate('json', Body),
  async (c) => {
    const { challenge, code } = c.req.valid('json')
    const deviceId = c.req.valid('header')['x-device-id']
    const { db, kit, now } = c.var
    const meta = requestMeta(c)
    const result = await asService(db, async (sql) => {
      const taken = await takeRegistration(sql, challenge, code, now())
      if (!taken.ok) return taken
      const account = await createAccount(sql, taken.registration)
      if (!account) return { ok: false as const, taken: true }
      await markEmailVerified(sql, account.id, new Date(now()))
      await audit(sql, meta, { actor: account.id, action: 'user.register', subjectId: account.id })
      const admin = await promoteListedAdmin(sql, account.id, c.var.config.ADMIN_EMAILS)
      if (admin)
        await audit(sql, meta, {
          actor: 'auth',
          action: 'user.role_changed',
          subjectId: account.id,
          details: { role: 'admin', by: 'ADMIN_EMAILS' },
        })
      const user = {
        ...account,
        emailVerified: true,
        role: admin ? ('admin' as const) : account.role,
      }
      return { ok: true as const, user, tokens: await openSession(sql, kit, user, deviceId, meta) }
    })
    // Only the holder of the mailed code gets here, so saying the address is now taken reveals nothing new.
    if ('taken' in result)
      throw new ApiError(
        'EMAIL_TAKEN',
        'An account with this email exists; sign in or reset the password',
      )
    if (!result.ok)
      throw new ApiError(
        'INVALID_CODE',
        result.dead ? 'This code has expired; sign up again' : 'Wrong code; try again',
        { retry: !result.dead },
      )
    return c.json({ ...result.tokens, user: publicUser(result.user) }, 201)
  },
)

import { Hono } from 'hono'
import { z } from 'zod'
import { createAccount } from '../../lib/auth/accounts'
import { issueCode } from '../../lib/auth/codes'
import { emails } from '../../lib/auth/emails'
import { hashPassword, Password } from '../../lib/auth/passwords'
import { openSession } from '../../lib/auth/sessions'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { DeviceHeader, Email, publicUser, sendMail } from './_lib/shared'

export const Body = z.object({
  email: Email,
  password: Password,
  name: z.string().trim().min(1).max(100),
})

/** Creates an account, signs it in on this device and emails a verification code. */
export default new Hono<AuthEnv>().post('/auth/register', validate('header', DeviceHeader), validate('json', Body), async (c) => {
  const { email, password, name } = c.req.valid('json')
  const deviceId = c.req.valid('header')['x-device-id']
  const { kit, now } = c.var
  const meta = requestMeta(c)
  const passwordHash = await hashPassword(password, kit.config.BCRYPT_COST) // outside the transaction: slow
  const result = await asService(c.var.db, async (sql) => {
    const account = await createAccount(sql, { email, name, passwordHash })
    if (!account) return null
    const code = await issueCode(sql, { userId: account.id, purpose: 'verify_email', now: now() })
    const tokens = await openSession(sql, kit, account, deviceId, meta)
    await audit(sql, meta, { actor: account.id, action: 'user.register', subjectId: account.id })
    return { account, code: code.secret, tokens }
  })
  if (!result) throw new ApiError('EMAIL_TAKEN', 'An account with this email exists; sign in or reset the password')
  await sendMail(c, emails.verify(result.account.email, result.code))
  return c.json({ ...result.tokens, user: publicUser(result.account) }, 201)
})

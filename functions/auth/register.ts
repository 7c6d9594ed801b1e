import { Hono } from 'hono'
import { z } from 'zod'
import { hashPassword, Password } from '../../lib/auth/passwords'
import { addRegistration, sweepRegistrations } from '../../lib/auth/registrations'
import { asService } from '../../lib/db/tx'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { Email } from './_lib/shared'
import { signUpSent } from './_lib/sign-up-sent'

export const Body = z.object({
  email: Email,
  password: Password,
  name: z.string().trim().min(1).max(100),
})

/**
 * Starts a sign-up: a pending registration whose emailed code creates the account (POST /auth/register/verify).
 * The answer and the work before it are the same whether or not the email is taken (see `signUpSent`).
 */
export default new Hono<AuthEnv>().post('/auth/register', validate('json', Body), async (c) => {
  const { email, password, name } = c.req.valid('json')
  const { db, kit, now } = c.var
  const passwordHash = await hashPassword(password, kit.config.BCRYPT_COST) // outside the transaction: slow
  const pending = await asService(db, async (sql) => {
    await sweepRegistrations(sql, now())
    return addRegistration(sql, { email, name, passwordHash, now: now() })
  })
  return signUpSent(c, pending)
})

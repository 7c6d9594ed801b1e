import { Hono } from 'hono'
import { z } from 'zod'
import { renewRegistration } from '../../lib/auth/registrations'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { signUpSent } from './_lib/sign-up-sent'

export const Body = z.object({ challenge: z.uuid() })

/**
 * Mails a pending sign-up a new code, at most one a minute; the answer carries the new challenge (the old code
 * dies). As at the start, the answer is the same whether or not the address is taken (see `signUpSent`).
 */
export default new Hono<AuthEnv>().post(
  '/auth/register/resend',
  validate('json', Body),
  async (c) => {
    const { challenge } = c.req.valid('json')
    const renewed = await asService(c.var.db, (sql) =>
      renewRegistration(sql, challenge, c.var.now()),
    )
    if (!renewed)
      throw new ApiError('INVALID_CODE', 'This sign-up has expired; sign up again', {
        retry: false,
      })
    if ('wait' in renewed)
      throw new ApiError(
        'RATE_LIMITED',
        `A code was sent moments ago; ask again in ${renewed.wait} s`,
        { retryAfter: renewed.wait },
      )
    return signUpSent(c, renewed)
  },
)

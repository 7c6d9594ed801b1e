import { Hono } from 'hono'
import { z } from 'zod'
import { findAccountByEmail } from '../../lib/auth/accounts'
import { RESEND_COOLDOWN_S } from '../../lib/auth/codes'
import { emails } from '../../lib/auth/emails'
import { renewRegistration } from '../../lib/auth/registrations'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { afterResponse, sendMail } from './_lib/shared'
import { MESSAGE } from './register'

export const Body = z.object({ challenge: z.uuid() })

/**
 * Mails a pending sign-up a new code, at most one a minute; the answer carries the new challenge (the old code
 * dies). As at the start, the answer is the same whether or not the address is taken; a taken one gets the
 * note to its owner again instead of a code.
 */
export default new Hono<AuthEnv>().post(
  '/auth/register/resend',
  validate('json', Body),
  async (c) => {
    const { challenge } = c.req.valid('json')
    const { db, kit, now } = c.var
    const renewed = await asService(db, (sql) => renewRegistration(sql, challenge, now()))
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
    afterResponse(c, async () => {
      const owner = await asService(db, (sql) => findAccountByEmail(sql, renewed.email))
      const signIn = new URL('/#/signin', kit.config.APP_URL).href
      await sendMail(
        c,
        owner
          ? emails.alreadyRegistered(owner.email, signIn)
          : emails.verify(renewed.email, renewed.code),
      )
    })
    return c.json(
      {
        challenge: renewed.id,
        expiresIn: renewed.expiresIn,
        resendIn: RESEND_COOLDOWN_S,
        message: MESSAGE,
      },
      202,
    )
  },
)

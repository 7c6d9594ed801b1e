import type { Context } from 'hono'
import { z } from 'zod'
import type { Account } from '../../../lib/auth/accounts'
import type { Mail } from '../../../lib/mail'
import type { AuthEnv } from '../env'

/** The device id the SPA generates once and sends on every auth call; refresh tokens are bound to it. */
export const DeviceHeader = z.object({
  'x-device-id': z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be 16–128 URL-safe characters'),
})

export const Email = z.string().trim().max(254).pipe(z.email())

/** Whether a sign-in needs the emailed code too: when the user turned it on, and always for admins. */
export const needsSecondFactor = (a: Pick<Account, 'twoFactor' | 'role'>) =>
  a.twoFactor || a.role === 'admin'

export const publicUser = (a: Account) => ({
  id: a.id,
  email: a.email,
  name: a.name,
  role: a.role,
  emailVerified: a.emailVerified,
  twoFactor: needsSecondFactor(a),
})

/** Sends after the change has committed; a mail failure is logged, never fatal (codes can be resent). */
export async function sendMail<E extends AuthEnv>(c: Context<E>, mail: Mail) {
  await c.var.mailer.send(mail).catch(
    (err: Error) =>
      c.var.log.error('mail failed', {
        requestId: c.var.requestId,
        to: mail.to,
        error: err.message,
      }), // the subject may carry a code
  )
}

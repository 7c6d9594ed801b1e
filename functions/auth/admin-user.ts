import { Hono } from 'hono'
import { z } from 'zod'
import { findAccount } from '../../lib/auth/accounts'
import { identitiesOf } from '../../lib/auth/oauth'
import { findPerson } from '../../lib/auth/people'
import { liveSessions } from '../../lib/auth/sessions'
import { searchEvents } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { requireUser } from '../../lib/middleware/auth'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'

/** Everything auth knows about one person, for their admin page: profile, sign-in, sessions, recent audit events. */
export default new Hono<AuthEnv>().get(
  '/auth/admin/users/:id',
  requireUser({ roles: ['admin'] }),
  validate('param', z.object({ id: UserId })),
  async (c) => {
    const { id } = c.req.valid('param')
    const now = c.var.now()
    const data = await asService(c.var.db, async (sql) => {
      const person = await findPerson(sql, id)
      const account = person && (await findAccount(sql, id))
      if (!person || !account) throw new ApiError('NOT_FOUND', 'No such user')
      return {
        ...person,
        signIn: {
          password: account.passwordHash !== null,
          providers: (await identitiesOf(sql, id)).map((i) => i.provider as string),
          failedLogins: account.failedLogins,
          lockedUntil:
            account.lockedUntil && account.lockedUntil.getTime() > now ? account.lockedUntil : null,
        },
        sessions: await liveSessions(sql, id, now),
        events: (await searchEvents(sql, { subjectId: id, limit: 20 })).map(
          ({ cursor: _, ...e }) => e,
        ),
      }
    })
    return c.json(data)
  },
)

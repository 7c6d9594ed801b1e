import { Hono } from 'hono'
import { z } from 'zod'
import { findAccount } from '../../lib/auth/accounts'
import { identitiesOf } from '../../lib/auth/oauth'
import { liveSessions } from '../../lib/auth/sessions'
import { userCreatedAt } from '../../lib/auth/users'
import { eventsAbout } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { requireService } from '../../lib/middleware/service-auth'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { publicUser } from './_lib/shared'

/** What auth holds about a user, for their data export (backend only): profile, sessions, sign-in links, audit. */
export default new Hono<AuthEnv>().get(
  '/internal/users/:id/export',
  requireService({ from: ['backend'] }),
  validate('param', z.object({ id: UserId })),
  async (c) => {
    const { id } = c.req.valid('param')
    const data = await asService(c.var.db, async (sql) => {
      const account = await findAccount(sql, id)
      if (!account) throw new ApiError('NOT_FOUND', 'No such user')
      return {
        profile: { ...publicUser(account), createdAt: await userCreatedAt(sql, id) },
        sessions: await liveSessions(sql, id, c.var.now()),
        signInWith: await identitiesOf(sql, id),
        auditEvents: await eventsAbout(sql, id),
      }
    })
    return c.json(data)
  },
)

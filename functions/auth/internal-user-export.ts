import { Hono } from 'hono'
import { z } from 'zod'
import { findAccount } from '../../lib/auth/accounts'
import { liveSessions } from '../../lib/auth/sessions'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { requireService } from '../../lib/middleware/service-auth'
import { validate } from '../../lib/validate'
import { type AuthEnv, publicUser } from './shared'

/** What auth holds about a user, for their data export (backend only): profile, sessions, sign-in links, audit. */
export default new Hono<AuthEnv>().get('/:id/export', requireService({ from: ['backend'] }), validate('param', z.object({ id: UserId })), async (c) => {
  const { id } = c.req.valid('param')
  const data = await asService(c.var.db, async (sql) => {
    const account = await findAccount(sql, id)
    if (!account) throw new ApiError('NOT_FOUND', 'No such user')
    const [created] = await sql<{ created_at: Date }>(`select created_at from public.users where id = $1`, [id])
    return {
      profile: { ...publicUser(account), createdAt: created.created_at },
      sessions: await liveSessions(sql, id, c.var.now()),
      signInWith: await sql(`select provider, email, created_at from auth.oauth_identities where user_id = $1`, [id]),
      auditEvents: await sql(`select at, actor, action, outcome, ip, user_agent, details from audit.events_about($1)`, [id]),
    }
  })
  return c.json(data)
})

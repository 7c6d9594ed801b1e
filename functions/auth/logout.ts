import { Hono } from 'hono'
import { revokeSessions } from '../../lib/auth/sessions'
import { audit } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { denyAccess } from './_lib/deny-access'
import type { AuthEnv } from './env'

/** Ends the session the access token belongs to; its refresh tokens stop working at once. */
export default new Hono<AuthEnv>().post('/auth/logout', requireUser(), async (c) => {
  const { id, sessionId } = c.var.user
  const ended = await asService(c.var.db, async (sql) => {
    const ids = await revokeSessions(sql, id, 'logout', c.var.now(), sessionId)
    if (ids.length)
      await audit(sql, requestMeta(c), {
        actor: id,
        action: 'session.revoked',
        subjectId: id,
        details: { sessionId, reason: 'logout' },
      })
    return ids
  })
  await denyAccess(c, ended)
  return c.body(null, 204)
})

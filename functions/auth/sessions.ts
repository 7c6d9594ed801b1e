import { Hono } from 'hono'
import { liveSessions } from '../../lib/auth/sessions'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import type { AuthEnv } from './env'

/** The user's live sessions (device, created, last used), the current one marked. */
export default new Hono<AuthEnv>().get('/auth/sessions', requireUser(), async (c) => {
  const sessions = await asService(c.var.db, (sql) => liveSessions(sql, c.var.user.id, c.var.now()))
  return c.json({
    sessions: sessions.map((s) => ({ ...s, current: s.id === c.var.user.sessionId })),
  })
})

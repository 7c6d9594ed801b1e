import type { Context } from 'hono'
import { revokeSessions } from '../../../lib/auth/sessions'
import { audit } from '../../../lib/db/audit'
import { asService } from '../../../lib/db/tx'
import { requestMeta } from '../../../lib/request-meta'
import type { AuthEnv } from '../env'
import { denyAccess } from './deny-access'

/** A learner ends one of their own sessions: revoked and audited together, then denied at the gateway. */
export async function signOut<E extends AuthEnv>(
  c: Context<E>,
  userId: string,
  sessionId: string,
  reason: 'logout' | 'user',
) {
  const ended = await asService(c.var.db, async (sql) => {
    const ids = await revokeSessions(sql, userId, reason, c.var.now(), sessionId)
    if (ids.length)
      await audit(sql, requestMeta(c), {
        actor: userId,
        action: 'session.revoked',
        subjectId: userId,
        details: { sessionId, reason },
      })
    return ids
  })
  await denyAccess(c, ended)
  return ended
}

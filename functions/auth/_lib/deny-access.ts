import type { Context } from 'hono'
import { denySessions } from '../../../lib/revocation'
import type { AuthEnv } from '../env'

/**
 * After sessions were revoked in PostgreSQL (and committed): their access tokens fail at the gateway from
 * now on. If Redis cannot take it, the revocation still stands for refresh and for auth's own routes, but
 * the tokens may reach other routes until they expire: logged at error level and counted.
 */
export async function denyAccess<E extends AuthEnv>(c: Context<E>, sessionIds: string[]) {
  const { kv, kit, log, metrics, requestId } = c.var
  await denySessions(kv, sessionIds, kit.keys.maxTokenTtlS + 60).catch((err: Error) => {
    metrics?.count('revocation_write_failures_total')
    log.error('revoked sessions not denied at the gateway', {
      requestId,
      sessions: sessionIds.length,
      error: err.message,
    })
  })
}

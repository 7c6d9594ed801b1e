import type { Context } from 'hono'
import { exportContent } from '../../../lib/content/account'
import type { Sql } from '../../../lib/db/db'
import { asUser } from '../../../lib/db/tx'
import { ApiError } from '../../../lib/errors'
import type { BackendEnv } from '../env'

/**
 * Everything Lingudesk holds about a user, as one JSON document: profile, sessions and audit events (auth),
 * decks, cards, every change to a card and review history (content), the credit ledger (credit). Media appear as links. `also` runs in
 * the content transaction (an admin's export is audited there).
 */
export async function userDocument<E extends BackendEnv>(
  c: Context<E>,
  userId: string,
  also?: (sql: Sql) => Promise<void>,
) {
  const fetchJson = async (role: 'auth' | 'credit', path: string) => {
    const res = await c.var.services.call(role, path, {
      requestId: c.var.requestId,
      timeoutMs: 30_000,
    })
    if (res.status === 404) throw new ApiError('NOT_FOUND', 'No such user')
    if (!res.ok)
      throw new ApiError('UNAVAILABLE', 'The export could not be assembled; try again shortly', {
        retryAfter: 10,
      })
    return res.json()
  }
  const now = new Date(c.var.now())
  const [identity, credits, content] = await Promise.all([
    fetchJson('auth', `/internal/users/${userId}/export`),
    fetchJson('credit', `/internal/users/${userId}/export`),
    asUser(c.var.db, userId, async (sql) => {
      const content = await exportContent(sql, now)
      await also?.(sql)
      return content
    }),
  ])
  return { exportedAt: now.toISOString(), ...identity, ...content, credits }
}

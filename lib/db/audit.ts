import type { RequestMeta } from '../request-meta'
import type { Sql } from './db'

export type AuditEvent = {
  /** A user id, or the service name for system actions. */
  actor: string
  action: string
  subjectId?: string | null
  outcome?: 'ok' | 'failed' | 'refused'
  details?: Record<string, unknown>
}

/** One audit row, written with the same `sql` (transaction) as the change it records. */
export async function audit(sql: Sql, meta: RequestMeta, e: AuditEvent) {
  await sql(
    `insert into audit.events (actor, action, subject_id, outcome, request_id, ip, user_agent, details)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [e.actor, e.action, e.subjectId ?? null, e.outcome ?? 'ok', meta.requestId ?? null, meta.ip ?? null,
      meta.userAgent ?? null, JSON.stringify(e.details ?? {})],
  )
}

/** The events about one user, for their data export (through the definer function only auth may call). */
export async function eventsAbout(sql: Sql, userId: string) {
  return sql(`select at, actor, action, outcome, ip, user_agent, details from audit.events_about($1)`, [userId])
}

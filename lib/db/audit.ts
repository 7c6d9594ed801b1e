import { z } from 'zod'
import { decodeKeyset, encodeKeyset, isUuid } from '../cursor'
import { ApiError } from '../errors'
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
    [
      e.actor,
      e.action,
      e.subjectId ?? null,
      e.outcome ?? 'ok',
      meta.requestId ?? null,
      meta.ip ?? null,
      meta.userAgent ?? null,
      JSON.stringify(e.details ?? {}),
    ],
  )
}

/** The events about one user, for their data export (through the definer function only auth may call). */
export async function eventsAbout(sql: Sql, userId: string) {
  return sql(
    `select at, actor, action, outcome, ip, user_agent, details from audit.events_about($1)`,
    [userId],
  )
}

/** Why an admin acts: required by every administrative action and kept in its audit row. */
export const Reason = z.string().trim().min(3).max(500)

export type AdminAction = {
  actor: string
  action: `admin.${string}`
  subjectId: string | null
  reason: string
  before: unknown
  after: unknown
  details?: Record<string, unknown>
}

/** An administrative action: who, why, and the state before and after, in the transaction of the change. */
export const auditAdmin = (sql: Sql, meta: RequestMeta, a: AdminAction) =>
  audit(sql, meta, {
    actor: a.actor,
    action: a.action,
    subjectId: a.subjectId,
    details: { reason: a.reason, before: a.before, after: a.after, ...a.details },
  })

export type EventFilter = {
  actor?: string
  action?: string
  subjectId?: string
  from?: string
  to?: string
  cursor?: string
  limit: number
}
export type AuditRow = {
  id: string
  at: Date
  actor: string
  action: string
  subjectId: string | null
  outcome: string
  requestId: string | null
  ip: string | null
  userAgent: string | null
  details: Record<string, unknown>
  cursor: string
}

/**
 * The audit trail for admins, newest first, through the definer function only auth may call. Keyset pages
 * on (at, id) with `at` in whole microseconds, as stored: a millisecond cursor would skip rows.
 */
export async function searchEvents(sql: Sql, f: EventFilter): Promise<AuditRow[]> {
  const after = f.cursor ? decodeKeyset(f.cursor, 'at') : null
  if (after && (!/^\d{1,17}$/.test(after.value) || !isUuid(after.id)))
    throw new ApiError('BAD_REQUEST', 'Invalid cursor')
  const rows = await sql<{
    id: string
    at: Date
    actor: string
    action: string
    subject_id: string | null
    outcome: string
    request_id: string | null
    ip: string | null
    user_agent: string | null
    details: Record<string, unknown>
    at_us: string
  }>(
    `select e.*, (extract(epoch from e.at) * 1000000)::bigint::text as at_us
     from audit.search_events($1, $2, $3, $4, $5, timestamptz 'epoch' + $6::bigint * interval '1 microsecond', $7, $8) e`,
    [
      f.actor ?? null,
      f.action ?? null,
      f.subjectId ?? null,
      f.from ?? null,
      f.to ?? null,
      after?.value ?? null,
      after?.id ?? null,
      f.limit,
    ],
  )
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    subjectId: r.subject_id,
    outcome: r.outcome,
    requestId: r.request_id,
    ip: r.ip,
    userAgent: r.user_agent,
    details: r.details,
    cursor: encodeKeyset('at', r.at_us, r.id),
  }))
}

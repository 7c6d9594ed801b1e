import type { Db, Sql } from '../db/db'
import { asService } from '../db/tx'
import type { Logger } from '../log'
import type { Metrics } from '../metrics'
import type { Services } from '../services'
import type { UserType } from './plans'

/** Auth's name for each user type: tokens carry `role`, and a free learner is a plain `user`. */
export const AUTH_ROLE = { free: 'user', plus: 'plus', premium: 'premium' } as const
type AuthRole = (typeof AUTH_ROLE)[UserType]

/** What auth is told: the paid type (`role`), or a plan given by hand until a date (`comp`; null ends it). */
export type RoleChange =
  | { kind: 'role'; body: { role: AuthRole } }
  | { kind: 'comp'; body: { role: AuthRole; until: string | null } }
type Row = { id: string; user_id: string; attempts: number } & RoleChange

const BATCH = 50
const CALL_TIMEOUT_MS = 10_000
// A claimed row is leased for longer than its call can last, so no second worker sends it meanwhile.
const LEASE_S = 60
const MAX_BACKOFF_S = 60

/** Queues a change for auth, in the transaction that makes the change. */
export async function queueRoleChange(sql: Sql, userId: string, change: RoleChange) {
  await sql(`insert into credit.role_outbox (user_id, kind, body) values ($1, $2, $3)`, [
    userId,
    change.kind,
    JSON.stringify(change.body),
  ])
}

/** Due rows, only the oldest of each user (a user's changes reach auth in order), leased to this worker. */
const claim = (sql: Sql, now: number, userId: string | null) =>
  sql<Row>(
    `with due as (
       select id from credit.role_outbox o
        where next_at <= $1 and ($3::text is null or user_id = $3)
          and not exists (select from credit.role_outbox e where e.user_id = o.user_id and e.id < o.id)
        order by id limit $2 for update skip locked
     )
     update credit.role_outbox r set next_at = $1::timestamptz + $4::int * interval '1 second', attempts = attempts + 1
       from due where r.id = due.id
     returning r.id, r.user_id, r.kind, r.body, r.attempts`,
    [new Date(now), BATCH, userId, LEASE_S],
  )

/** How many changes wait for auth, and how long the oldest has waited (the depth and age metrics). */
export async function roleOutboxState(sql: Sql, now: number) {
  const [r] = await sql<{ depth: string; oldest: Date | null }>(
    `select count(*) as depth, min(created_at) as oldest from credit.role_outbox`,
  )
  return {
    depth: Number(r.depth),
    oldestSeconds: r.oldest ? Math.max(0, (now - r.oldest.getTime()) / 1000) : 0,
  }
}

type Deps = { db: Db; services: Services; log: Logger; metrics?: Metrics; now: () => number }

/**
 * Sends due changes to auth (those of `userId` only, when given) until none is due. A change auth confirmed
 * is deleted; one auth refuses as unknown (an erased user) is dropped with an error in the log; any other
 * failure (auth down, a 5xx) waits 2, 4, 8 … up to 60 s and is sent again. Returns how many were confirmed.
 */
export async function deliverRoleChanges(deps: Deps, userId?: string) {
  const { db, services, log, metrics, now } = deps
  let delivered = 0
  for (;;) {
    const rows = await asService(db, (sql) => claim(sql, now(), userId ?? null))
    for (const row of rows) {
      const outcome = await send(services, row)
      metrics?.count('credit_role_outbox_total', { outcome: outcome.status })
      if (outcome.status === 'retried') {
        const waitS = Math.min(2 ** row.attempts, MAX_BACKOFF_S)
        await asService(db, (sql) =>
          sql(
            `update credit.role_outbox set next_at = $2::timestamptz + $3::int * interval '1 second', last_error = $4 where id = $1`,
            [row.id, new Date(now()), waitS, outcome.error],
          ),
        )
        log.warn('plan change not passed to auth yet', {
          userId: row.user_id,
          attempts: row.attempts,
          retryInS: waitS,
          error: outcome.error,
        })
        continue
      }
      if (outcome.status === 'dropped')
        log.error('plan change refused by auth', { userId: row.user_id, error: outcome.error })
      else delivered++
      await asService(db, (sql) => sql(`delete from credit.role_outbox where id = $1`, [row.id]))
    }
    if (rows.length < BATCH) return delivered
  }
}

async function send(services: Services, row: Row) {
  const res = await services
    .call('auth', `/internal/users/${row.user_id}/${row.kind}`, {
      method: 'PUT',
      body: row.body,
      timeoutMs: CALL_TIMEOUT_MS,
      requestId: `role-outbox-${row.id}`,
    })
    .catch((err: Error) => err)
  if (res instanceof Error) return { status: 'retried', error: res.message } as const
  if (res.ok) return { status: 'delivered' } as const
  const error = `auth answered ${res.status}`
  // No such user (erased meanwhile) or a body auth will never take: sending again cannot help. Anything
  // else (a 401 while service keys rotate, a 429, a 5xx) may pass later.
  return res.status === 404 || res.status === 400
    ? ({ status: 'dropped', error } as const)
    : ({ status: 'retried', error } as const)
}

/**
 * Delivers due changes every second (Node); a pass never overlaps the last one. Returns the stop function,
 * which waits for a pass under way (it uses the database the role closes next).
 */
export function startRoleOutbox(deps: Deps, everyMs = 1000) {
  let running: Promise<unknown> | null = null
  const timer = setInterval(() => {
    running ??= deliverRoleChanges(deps)
      .catch((err: Error) => deps.log.error('role outbox pass failed', { error: err.message }))
      .finally(() => (running = null))
  }, everyMs)
  return async () => {
    clearInterval(timer)
    await running
  }
}

import { Hono } from 'hono'
import { z } from 'zod'
import { toCsv } from '../../lib/csv'
import { type AuditRow, searchEvents } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { Instant, validate } from '../../lib/validate'
import type { AuthEnv } from './env'

export const Query = z.object({
  actor: z.string().trim().min(1).max(64).optional(),
  /** An action or a prefix of dotted parts: `admin` matches every administrative action. */
  action: z
    .string()
    .trim()
    .regex(/^[a-z]+(\.[a-z_]+)*$/, 'must be an action like admin or admin.refund')
    .optional(),
  subject: z.string().trim().min(1).max(64).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  format: z.enum(['json', 'csv']).default('json'),
})

const CSV_MAX_ROWS = 100_000

const csvOf = (rows: AuditRow[]) =>
  toCsv(
    [
      'at',
      'actor',
      'action',
      'subject_id',
      'outcome',
      'reason',
      'before',
      'after',
      'details',
      'request_id',
      'ip',
    ],
    rows.map(({ details: { reason, before, after, ...rest }, cursor: _, ...e }) => [
      e.at.toISOString(),
      e.actor,
      e.action,
      e.subjectId ?? '',
      e.outcome,
      typeof reason === 'string' ? reason : '',
      before === undefined ? '' : JSON.stringify(before),
      after === undefined ? '' : JSON.stringify(after),
      JSON.stringify(rest),
      e.requestId ?? '',
      e.ip ?? '',
    ]),
    { defuse: true },
  )

/** The audit trail: filter by actor, action, subject and dates; keyset pages, or CSV. Nobody can change it. */
export default new Hono<AuthEnv>().get(
  '/auth/admin/audit',
  requireUser({ roles: ['admin'] }),
  validate('query', Query),
  async (c) => {
    const { format, limit, subject, ...f } = c.req.valid('query')
    const rows = await asService(c.var.db, (sql) =>
      searchEvents(sql, {
        ...f,
        subjectId: subject,
        limit: format === 'csv' ? CSV_MAX_ROWS : limit + 1,
      }),
    )
    if (format === 'csv')
      return c.body(csvOf(rows), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="audit.csv"',
      })
    const items = rows.slice(0, limit).map(({ cursor: _, ...e }) => e)
    return c.json({ items, nextCursor: rows.length > limit ? rows[limit - 1].cursor : null })
  },
)

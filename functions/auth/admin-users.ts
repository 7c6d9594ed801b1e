import { Hono } from 'hono'
import { z } from 'zod'
import { PLAN_ROLES, type Person, searchPeople, SORTS } from '../../lib/auth/people'
import { toCsv } from '../../lib/csv'
import { decodeKeyset, encodeKeyset } from '../../lib/cursor'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { Instant, validate } from '../../lib/validate'
import type { AuthEnv } from './env'

const Flag = z.enum(['true', 'false']).transform((v) => v === 'true')

export const Query = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  plan: z.enum(Object.keys(PLAN_ROLES) as [keyof typeof PLAN_ROLES]).optional(),
  status: z.enum(['active', 'locked', 'disabled', 'deleted']).optional(),
  verified: Flag.optional(),
  twoFactor: Flag.optional(),
  createdFrom: Instant.optional(),
  createdTo: Instant.optional(),
  activeFrom: Instant.optional(),
  activeTo: Instant.optional(),
  sort: z.enum(Object.keys(SORTS) as [keyof typeof SORTS]).default('created'),
  order: z.enum(['asc', 'desc']).default('desc'),
  cursor: z.string().max(1200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  format: z.enum(['json', 'csv']).default('json'),
})

/** At most this many rows in one CSV export: narrow the filters for more. */
export const CSV_MAX_ROWS = 50_000

const csvOf = (people: Person[]) =>
  toCsv(
    [
      'id',
      'email',
      'name',
      'plan',
      'status',
      'email_verified',
      'two_factor',
      'created_at',
      'last_active_at',
      'comp_until',
    ],
    people.map((p) => [
      p.id,
      p.email,
      p.name,
      p.role,
      p.status,
      String(p.emailVerified),
      String(p.twoFactor),
      p.createdAt.toISOString(),
      p.lastActiveAt?.toISOString() ?? '',
      p.comp?.until.toISOString() ?? '',
    ]),
    { defuse: true },
  )

/** People for admins: search by name, email or id; filters; sorts; keyset pages, or the whole result as CSV. */
export default new Hono<AuthEnv>().get(
  '/auth/admin/users',
  requireUser({ roles: ['admin'] }),
  validate('query', Query),
  async (c) => {
    const { cursor, format, limit, ...q } = c.req.valid('query')
    const after = cursor ? decodeKeyset(cursor, q.sort) : null
    const rows = await asService(c.var.db, (sql) =>
      searchPeople(sql, { ...q, after, limit: format === 'csv' ? CSV_MAX_ROWS : limit + 1 }),
    )
    if (format === 'csv')
      return c.body(csvOf(rows.map((r) => r.person)), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="people.csv"',
      })
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return c.json({
      items: page.map((r) => r.person),
      nextCursor:
        rows.length > limit && last ? encodeKeyset(q.sort, last.sortValue, last.person.id) : null,
    })
  },
)

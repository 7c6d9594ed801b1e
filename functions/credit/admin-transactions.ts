import { Hono } from 'hono'
import { z } from 'zod'
import { type Transaction, toTransaction } from '../../lib/credit/ledger'
import { toCsv } from '../../lib/csv'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { validate } from '../../lib/validate'
import { decodeCursor, encodeCursor } from '../../lib/cursor'
import { type CreditEnv, UserId } from './shared'

export const Query = z.object({
  userId: UserId.optional(),
  email: z.string().trim().toLowerCase().max(254).optional(),
  kind: z.enum(['grant', 'purchase', 'debit', 'refund', 'adjustment', 'expiry']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  min: z.coerce.number().int().optional(),
  max: z.coerce.number().int().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  format: z.enum(['json', 'csv']).default('json'),
})

const csvOf = (items: Transaction[]) =>
  toCsv(
    ['id', 'created_at', 'user_id', 'kind', 'amount_micros', 'balance_after', 'actor', 'reason', 'idempotency_key', 'refund_of'],
    items.map((t) => [t.id, t.createdAt.toISOString(), t.userId, t.kind, String(t.amount), String(t.balanceAfter), t.actor, t.reason, t.key, t.refundOf ?? '']),
    { defuse: true },
  )

/** Transaction search for admins: by user, email, kind, dates and amounts; paginated, or CSV. */
export default new Hono<CreditEnv>().get('/', requireUser({ roles: ['admin'] }), validate('query', Query), async (c) => {
  const q = c.req.valid('query')
  const after = q.cursor ? decodeCursor(q.cursor) : null
  const rows = await asService(c.var.db, (sql) =>
    sql(
      `select t.* from credit.transactions t
       where ($1::text is null or t.user_id = $1)
         and ($2::text is null or t.user_id in (select id from public.users where lower(email) = $2))
         and ($3::text is null or t.kind = $3)
         and ($4::timestamptz is null or t.created_at >= $4) and ($5::timestamptz is null or t.created_at < $5)
         and ($6::bigint is null or t.amount >= $6) and ($7::bigint is null or t.amount <= $7)
         and ($8::timestamptz is null or (t.created_at, t.id) < ($8, $9::uuid))
       order by t.created_at desc, t.id desc limit $10`,
      [q.userId ?? null, q.email ?? null, q.kind ?? null, q.from ?? null, q.to ?? null, q.min ?? null, q.max ?? null,
        after?.at ?? null, after?.id ?? null, q.format === 'csv' ? 100_000 : q.limit + 1],
    ),
  )
  const all = rows.map(toTransaction)
  if (q.format === 'csv')
    return c.body(csvOf(all), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="transactions.csv"' })
  const items = all.slice(0, q.limit)
  return c.json({ items, nextCursor: all.length > q.limit ? encodeCursor(items[q.limit - 1]) : null })
})

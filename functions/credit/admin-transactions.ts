import { Hono } from 'hono'
import { z } from 'zod'
import type { Transaction } from '../../lib/credit/ledger'
import { searchTransactions } from '../../lib/credit/search'
import { toCsv } from '../../lib/csv'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { Instant, validate } from '../../lib/validate'
import { Cursor, encodeCursor } from '../../lib/cursor'
import type { CreditEnv } from './env'
import { UserId } from './_lib/shared'

export const Query = z.object({
  userId: UserId.optional(),
  email: z.string().trim().toLowerCase().max(254).optional(),
  kind: z.enum(['grant', 'purchase', 'debit', 'refund', 'adjustment', 'expiry']).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  min: z.coerce.number().int().optional(),
  max: z.coerce.number().int().optional(),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  format: z.enum(['json', 'csv']).default('json'),
})

const csvOf = (items: Transaction[]) =>
  toCsv(
    [
      'id',
      'created_at',
      'user_id',
      'kind',
      'amount_micros',
      'balance_after',
      'actor',
      'reason',
      'idempotency_key',
      'refund_of',
    ],
    items.map((t) => [
      t.id,
      t.createdAt.toISOString(),
      t.userId,
      t.kind,
      String(t.amount),
      String(t.balanceAfter),
      t.actor,
      t.reason,
      t.key,
      t.refundOf ?? '',
    ]),
    { defuse: true },
  )

/** Transaction search for admins: by user, email, kind, dates and amounts; paginated, or CSV. */
export default new Hono<CreditEnv>().get(
  '/admin/transactions',
  requireUser({ roles: ['admin'] }),
  validate('query', Query),
  async (c) => {
    const { cursor, format, limit, ...filters } = c.req.valid('query')
    const after = cursor ?? null
    const all = await asService(c.var.db, (sql) =>
      searchTransactions(sql, { ...filters, after, limit: format === 'csv' ? 100_000 : limit + 1 }),
    )
    if (format === 'csv')
      return c.body(csvOf(all), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="transactions.csv"',
      })
    const items = all.slice(0, limit)
    return c.json({ items, nextCursor: all.length > limit ? encodeCursor(items[limit - 1]) : null })
  },
)

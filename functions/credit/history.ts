import { Hono } from 'hono'
import { z } from 'zod'
import { ensureMonthlyGrant } from '../../lib/credit/grants'
import { account } from '../../lib/credit/ledger'
import { userTransactions } from '../../lib/credit/search'
import { asService } from '../../lib/db/tx'
import { Cursor, encodeCursor } from '../../lib/cursor'
import { requireUser } from '../../lib/middleware/auth'
import { validate } from '../../lib/validate'
import type { CreditEnv } from './env'

export const Query = z.object({
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})

/** The signed-in user's ledger, newest first, a page at a time. */
export default new Hono<CreditEnv>().get(
  '/credits/history',
  requireUser(),
  validate('query', Query),
  async (c) => {
    const { cursor, limit } = c.req.valid('query')
    const after = cursor ?? null
    const userId = c.var.user.id
    const rows = await asService(c.var.db, async (sql) => {
      await ensureMonthlyGrant(sql, c.var.config, await account(sql, userId), c.var.now())
      return userTransactions(sql, userId, { after, limit: limit + 1 })
    })
    const items = rows.slice(0, limit)
    return c.json({
      items,
      nextCursor: rows.length > limit ? encodeCursor(items[limit - 1]) : null,
    })
  },
)

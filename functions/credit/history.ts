import { Hono } from 'hono'
import { z } from 'zod'
import { ensureMonthlyGrant } from '../../lib/credit/grants'
import { account, toTransaction } from '../../lib/credit/ledger'
import { asService } from '../../lib/db/tx'
import { decodeCursor, encodeCursor } from '../../lib/cursor'
import { requireUser } from '../../lib/middleware/auth'
import { validate } from '../../lib/validate'
import type { CreditEnv } from './shared'

export const Query = z.object({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) })

/** The signed-in user's ledger, newest first, a page at a time. */
export default new Hono<CreditEnv>().get('/', requireUser(), validate('query', Query), async (c) => {
  const { cursor, limit } = c.req.valid('query')
  const after = cursor ? decodeCursor(cursor) : null
  const userId = c.var.user!.id
  const rows = await asService(c.var.db, async (sql) => {
    await ensureMonthlyGrant(sql, c.var.config, await account(sql, userId), c.var.now())
    return sql(
      `select * from credit.transactions where user_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid))
       order by created_at desc, id desc limit $4`,
      [userId, after?.at ?? null, after?.id ?? null, limit + 1],
    )
  })
  const items = rows.slice(0, limit).map(toTransaction)
  return c.json({ items, nextCursor: rows.length > limit ? encodeCursor(items[limit - 1]) : null })
})

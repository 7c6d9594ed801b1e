import { Hono } from 'hono'
import { z } from 'zod'
import { account } from '../../lib/credit/ledger'
import { asService } from '../../lib/db/tx'
import { validate } from '../../lib/validate'
import type { CreditEnv } from './env'
import { UserId } from './_lib/shared'

/** A user's balance for other services (backend only). */
export default new Hono<CreditEnv>().get('/internal/balance/:userId', validate('param', z.object({ userId: UserId })), async (c) => {
  const acct = await asService(c.var.db, (sql) => account(sql, c.req.valid('param').userId))
  return c.json(acct)
})

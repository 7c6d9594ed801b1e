import { Hono } from 'hono'
import { ensureMonthlyGrant } from '../../lib/credit/grants'
import { account } from '../../lib/credit/ledger'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import type { CreditEnv } from './env'

/** The signed-in user's balance: what is held for calls in flight and owed in sub-cent usage is not available. */
export default new Hono<CreditEnv>().get('/credits/balance', requireUser(), async (c) => {
  const userId = c.var.user.id
  const acct = await asService(c.var.db, async (sql) => {
    await ensureMonthlyGrant(sql, c.var.config, await account(sql, userId), c.var.now())
    return account(sql, userId)
  })
  return c.json(acct)
})

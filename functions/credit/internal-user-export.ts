import { Hono } from 'hono'
import { z } from 'zod'
import { account } from '../../lib/credit/ledger'
import { allUserTransactions } from '../../lib/credit/search'
import { userExists } from '../../lib/credit/subscriptions'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { validate } from '../../lib/validate'
import type { CreditEnv } from './env'
import { UserId } from './_lib/shared'

/** A user's account and whole ledger, for their data export (backend only). */
export default new Hono<CreditEnv>().get(
  '/internal/users/:userId/export',
  validate('param', z.object({ userId: UserId })),
  async (c) => {
    const { userId } = c.req.valid('param')
    const data = await asService(c.var.db, async (sql) => {
      // Not made for an unknown id: the export answers 404 whichever part answers first.
      if (!(await userExists(sql, userId))) throw new ApiError('NOT_FOUND', 'No such user')
      return {
        account: await account(sql, userId),
        transactions: await allUserTransactions(sql, userId),
      }
    })
    return c.json(data)
  },
)

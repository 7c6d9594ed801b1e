import { Hono } from 'hono'
import { z } from 'zod'
import { account } from '../../lib/credit/ledger'
import { planOf } from '../../lib/credit/plans'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { validate } from '../../lib/validate'
import type { CreditEnv } from './env'
import { UserId } from './_lib/shared'

/** A person's balance (held and pending apart) and plan with its source, for their admin page. */
export default new Hono<CreditEnv>().get(
  '/admin/users/:id/credits',
  requireUser({ roles: ['admin'] }),
  validate('param', z.object({ id: UserId })),
  async (c) => {
    const { id } = c.req.valid('param')
    return c.json(
      await asService(c.var.db, async (sql) => ({
        account: await account(sql, id),
        plan: await planOf(sql, id),
      })),
    )
  },
)

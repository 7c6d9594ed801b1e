import { Hono } from 'hono'
import { z } from 'zod'
import { charge } from '../../lib/credit/ledger'
import { serviceStatement } from '../../lib/db/tx'
import { validate } from '../../lib/validate'
import type { CreditEnv } from './env'
import { Key, UserId } from './_lib/shared'

export const Body = z.object({
  userId: UserId,
  amount: z.number().int().min(0).max(1_000_000_000_000),
  key: Key,
})

/** A usage charge without a hold (backend only): durable and counted once per key, flushed by whole cents. */
export default new Hono<CreditEnv>().post(
  '/internal/charges',
  validate('json', Body),
  async (c) => {
    const b = c.req.valid('json')
    const accepted = await charge(serviceStatement(c.var.db), {
      ...b,
      threshold: c.var.config.MICRO_FLUSH_THRESHOLD,
      requestId: c.var.requestId,
    })
    return c.json(accepted)
  },
)

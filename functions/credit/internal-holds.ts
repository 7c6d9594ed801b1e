import { Hono } from 'hono'
import { z } from 'zod'
import { ensureMonthlyGrant } from '../../lib/credit/grants'
import { release, reserve, settle } from '../../lib/credit/holds'
import { account } from '../../lib/credit/ledger'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { validate } from '../../lib/validate'
import type { CreditEnv } from './env'
import { Key, Micros, UserId } from './_lib/shared'

export const ReserveBody = z.object({ userId: UserId, amount: Micros, key: Key, ttlS: z.number().int().min(10).max(3600).optional() })
export const SettleBody = z.object({ actual: z.number().int().min(0).max(1_000_000_000_000) })
const HoldParam = z.object({ id: z.uuid() })

/** Holds for paid calls (backend only): reserve an estimate, then settle at the actual cost or release. */
export default new Hono<CreditEnv>()
  .post('/internal/holds', validate('json', ReserveBody), async (c) => {
    const b = c.req.valid('json')
    const { now, config } = c.var
    const hold = await asService(c.var.db, async (sql) => {
      await ensureMonthlyGrant(sql, config, await account(sql, b.userId), now())
      return reserve(sql, { userId: b.userId, amount: b.amount, key: b.key, ttlS: b.ttlS ?? config.HOLD_TTL_S, now: now() })
    }).catch((err: Error) => {
      if (err instanceof ApiError && err.code === 'PAYMENT_REQUIRED') c.var.metrics?.count('credit_holds_total', { outcome: 'refused' })
      throw err
    })
    c.var.metrics?.count('credit_holds_total', { outcome: 'reserved' })
    return c.json(hold, 201)
  })
  .post('/internal/holds/:id/settle', validate('param', HoldParam), validate('json', SettleBody), async (c) => {
    const { id } = c.req.valid('param')
    const hold = await asService(c.var.db, (sql) =>
      settle(sql, { holdId: id, actual: c.req.valid('json').actual, threshold: c.var.config.MICRO_FLUSH_THRESHOLD, now: c.var.now(), requestId: c.var.requestId }),
    )
    c.var.metrics?.count('credit_holds_total', { outcome: 'settled' })
    return c.json(hold)
  })
  .post('/internal/holds/:id/release', validate('param', HoldParam), async (c) => {
    const hold = await asService(c.var.db, (sql) => release(sql, { holdId: c.req.valid('param').id, now: c.var.now() }))
    c.var.metrics?.count('credit_holds_total', { outcome: 'released' })
    return c.json(hold)
  })

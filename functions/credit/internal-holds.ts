import { Hono } from 'hono'
import { z } from 'zod'
import { ensureMonthlyGrant, type GrantCheck, grantCheck } from '../../lib/credit/grants'
import { release } from '../../lib/credit/holds'
import { beginPaid, settlePaid } from '../../lib/credit/idempotency'
import { account } from '../../lib/credit/ledger'
import type { Sql } from '../../lib/db/db'
import { asService, serviceStatement } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { validate } from '../../lib/validate'
import type { CreditEnv } from './env'
import { Key, Micros, UserId } from './_lib/shared'

export const ReserveBody = z.object({
  userId: UserId,
  amount: Micros,
  /** The client's Idempotency-Key (or the attempt's id when it sent none), scoped to the user. */
  key: Key,
  /** SHA-256 of method, path and canonical body: a key stays bound to one request. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  attempt: z.uuid(),
})
export const SettleBody = z.object({
  actual: z.number().int().min(0).max(1_000_000_000_000),
  response: z.object({
    status: z.number().int().min(200).max(299),
    contentType: z.string().max(200),
    body: z.string().max(1_000_000),
  }),
})
const HoldParam = z.object({ id: z.uuid() })

/**
 * Paid calls (backend only): begin one under its idempotency key (a hold, or the stored answer of a
 * charged earlier one), then settle it at the actual cost with its answer, or release it.
 */
export default new Hono<CreditEnv>()
  .post('/internal/holds', validate('json', ReserveBody), async (c) => {
    const b = c.req.valid('json')
    const { db, now, config, metrics } = c.var
    const at = now()
    const begin = (sql: Sql, grants: GrantCheck | null) =>
      beginPaid(sql, { ...b, expiresAt: new Date(at + config.HOLD_TTL_S * 1000), now: at, grants })
    // One statement; only a user due this month's grant takes a transaction that posts it first.
    const begun = await begin(serviceStatement(db), grantCheck(config, at))
      .then(async (r) =>
        'grantDue' in r
          ? asService(db, async (sql) => {
              await ensureMonthlyGrant(sql, config, await account(sql, b.userId), at)
              return begin(sql, null)
            })
          : r,
      )
      .catch((err: Error) => {
        if (err instanceof ApiError && err.code === 'PAYMENT_REQUIRED')
          metrics?.count('credit_holds_total', { outcome: 'refused' })
        throw err
      })
    if ('grantDue' in begun) throw new Error('begin_paid asked for a grant twice')
    if ('replay' in begun) return c.json(begun, 200)
    metrics?.count('credit_holds_total', { outcome: 'reserved' })
    return c.json(begun, 201)
  })
  .post(
    '/internal/holds/:id/settle',
    validate('param', HoldParam),
    validate('json', SettleBody),
    async (c) => {
      const { actual, response } = c.req.valid('json')
      const { db, now, config, metrics } = c.var
      const o = {
        holdId: c.req.valid('param').id,
        actual,
        response,
        threshold: config.MICRO_FLUSH_THRESHOLD,
        now: now(),
        requestId: c.var.requestId,
      }
      // One statement; a cost the balance cannot cover in full is charged capped, in a transaction.
      const settled =
        (await settlePaid(serviceStatement(db), o)) ??
        (await asService(db, (sql) => settlePaid(sql, { ...o, cap: true })))
      if (!settled) throw new Error('a capped settle answered short')
      metrics?.count('credit_holds_total', { outcome: settled.outcome })
      if (settled.outcome === 'settled' && settled.overrun) {
        metrics?.count('credit_overruns_total')
        c.var.log.warn('paid call cost more than its hold', {
          requestId: c.var.requestId,
          holdId: c.req.valid('param').id,
          actual,
          charged: settled.charged,
        })
      }
      return c.json(settled)
    },
  )
  .post('/internal/holds/:id/release', validate('param', HoldParam), async (c) => {
    const hold = await asService(c.var.db, (sql) =>
      release(sql, { holdId: c.req.valid('param').id, now: c.var.now() }),
    )
    c.var.metrics?.count('credit_holds_total', { outcome: 'released' })
    return c.json(hold)
  })

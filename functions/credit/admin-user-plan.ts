import { Hono } from 'hono'
import { z } from 'zod'
import { ensureMonthlyGrant } from '../../lib/credit/grants'
import { account } from '../../lib/credit/ledger'
import { planOf, setComp } from '../../lib/credit/plans'
import { AUTH_ROLE, deliverRoleChanges, queueRoleChange } from '../../lib/credit/role-outbox'
import { userExists } from '../../lib/credit/subscriptions'
import { auditAdmin, Reason } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { CreditEnv } from './env'
import { UserId } from './_lib/shared'

const MAX_COMP_MS = 5 * 366 * 86_400_000

/** `until: null` ends a comp now. */
export const Body = z
  .object({
    plan: z.enum(['free', 'plus', 'premium']).optional(),
    until: z.iso.datetime({ offset: true }).nullable(),
    reason: Reason,
  })
  .refine((b) => b.until === null || b.plan, {
    path: ['plan'],
    message: 'is required with an end date',
  })

/**
 * An admin gives a plan by hand until a date (a comp), or ends one, with a reason. The comp wins over the
 * Paddle plan while it lasts (the month's grant of its type included); then the paid plan is back by itself.
 */
export default new Hono<CreditEnv>().put(
  '/admin/users/:id/plan',
  requireUser({ roles: ['admin'] }),
  validate('param', z.object({ id: UserId })),
  validate('json', Body),
  async (c) => {
    const { id } = c.req.valid('param')
    const { plan, until, reason } = c.req.valid('json')
    const now = c.var.now()
    const ends = new Date(until ?? now)
    if (until !== null && (ends.getTime() <= now || ends.getTime() > now + MAX_COMP_MS))
      throw new ApiError('BAD_REQUEST', 'Invalid body', [
        { path: 'until', message: 'must be in the future, at most 5 years ahead' },
      ])
    const after = await asService(c.var.db, async (sql) => {
      if (!(await userExists(sql, id))) throw new ApiError('NOT_FOUND', 'No such user')
      await account(sql, id, true)
      const before = await planOf(sql, id)
      if (until === null && !before.comp)
        throw new ApiError('CONFLICT', 'There is no plan given by hand to end')
      await setComp(sql, id, { type: plan ?? before.type, until: ends, reason, by: c.var.user.id })
      const after = await planOf(sql, id)
      await auditAdmin(sql, requestMeta(c), {
        actor: c.var.user.id,
        action: 'admin.plan_changed',
        subjectId: id,
        reason,
        before: { type: before.type, source: before.source, compUntil: before.comp?.until ?? null },
        after: { type: after.type, source: after.source, compUntil: after.comp?.until ?? null },
      })
      if (after.type !== before.type)
        await ensureMonthlyGrant(sql, c.var.config, await account(sql, id), now)
      await queueRoleChange(sql, id, {
        kind: 'comp',
        body: { role: AUTH_ROLE[after.type], until: after.comp ? ends.toISOString() : null },
      })
      return after
    })
    // Tokens carry the plan: auth learns it at once when it is up, else from the outbox worker's retries.
    await deliverRoleChanges(c.var, id).catch((err: Error) =>
      c.var.log.warn('plan change queued for auth', { userId: id, error: err.message }),
    )
    return c.json(after)
  },
)

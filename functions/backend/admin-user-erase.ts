import { Hono } from 'hono'
import { z } from 'zod'
import { unsharedMedia } from '../../lib/content/account'
import { Reason } from '../../lib/db/audit'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { UserId } from '../../lib/ids'
import { requireUser } from '../../lib/middleware/auth'
import { forgetUser, rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'
import { serviceJson } from './_lib/service-json'

/** `confirm`: the account's email address, typed by the admin. */
export const Body = z.object({ reason: Reason, confirm: z.string().trim().min(1).max(254) })

const mismatch = () =>
  new ApiError('BAD_REQUEST', 'Type the account’s email address to confirm', [
    { path: 'confirm', message: 'must be the account’s email address' },
  ])

/**
 * An admin erases an account, as the person could themselves: media no other learner uses, rate-limit keys,
 * then the account (auth keeps the ledger under a pseudonym and audits the admin's reason in that
 * transaction). Checked before anything goes: the typed address, and that it is not an admin account.
 */
export default new Hono<BackendEnv>().post(
  '/api/admin/users/:id/erase',
  requireUser({ roles: ['admin'] }),
  rateLimit('admin'),
  validate('param', z.object({ id: UserId })),
  validate('json', Body),
  async (c) => {
    const { id } = c.req.valid('param')
    const { reason, confirm } = c.req.valid('json')
    const person = (await serviceJson(c, 'auth', `/auth/admin/users/${id}`)) as {
      email: string
      role: string
    }
    if (person.email.toLowerCase() !== confirm.toLowerCase()) throw mismatch()
    if (person.role === 'admin') throw new ApiError('FORBIDDEN', 'Admin accounts cannot be erased')
    const keys = await asUser(c.var.db, id, (sql) => unsharedMedia(sql, id))
    await serviceJson(c, 'ai', '/internal/media/erase', { body: { keys }, timeoutMs: 60_000 })
    await forgetUser(c.var.kv, c.var.config, id)
    const erased = await serviceJson(c, 'auth', `/internal/users/${id}/erase`, {
      body: { admin: { id: c.var.user.id, reason, confirm } },
      timeoutMs: 60_000,
    })
    return c.json(erased as { erased: boolean; pseudonym: string | null })
  },
)

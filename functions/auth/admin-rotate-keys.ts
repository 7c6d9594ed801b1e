import { Hono } from 'hono'
import { z } from 'zod'
import { listKeys, rotateKey } from '../../lib/auth/keys'
import { auditAdmin, Reason } from '../../lib/db/audit'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'

export const Body = z.object({
  /** For a leaked key: sign with the new key at once and unpublish the old ones (their tokens fail). */
  emergency: z.boolean().default(false),
  reason: Reason,
})

/** Adds a signing key now instead of waiting for the schedule. */
export default new Hono<AuthEnv>().post(
  '/auth/admin/keys/rotate',
  requireUser({ roles: ['admin'] }),
  validate('json', Body),
  async (c) => {
    const { emergency, reason } = c.req.valid('json')
    const kid = await asService(c.var.db, async (sql) => {
      const before = (await listKeys(sql, c.var.now()))
        .filter((k) => k.state !== 'expired')
        .map((k) => k.kid)
      const added = await rotateKey(sql, c.var.kit.keys, { emergency })
      await auditAdmin(sql, requestMeta(c), {
        actor: c.var.user.id,
        action: 'admin.keys_rotated',
        subjectId: null,
        reason,
        before: { keys: before },
        after: { added, emergency },
      })
      return added
    })
    return c.json({ kid, emergency }, 201)
  },
)

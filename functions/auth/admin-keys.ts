import { Hono } from 'hono'
import { listKeys } from '../../lib/auth/keys'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import type { AuthEnv } from './env'

/** The signing keys (next, current, retiring, recently expired) and when the schedule rotates next. */
export default new Hono<AuthEnv>().get(
  '/auth/admin/keys',
  requireUser({ roles: ['admin'] }),
  async (c) => {
    const { KEY_ROTATION_DAYS, KEY_PUBLISH_LEAD_S } = c.var.config
    const keys = await asService(c.var.db, (sql) => listKeys(sql, c.var.now()))
    const next = keys.find((k) => k.state === 'next')
    const current = keys.find((k) => k.state === 'current')
    const nextRotationAt = next
      ? null
      : current
        ? new Date(current.activatesAt.getTime() + KEY_ROTATION_DAYS * 86_400_000)
        : null
    return c.json({
      keys,
      rotationDays: KEY_ROTATION_DAYS,
      publishLeadS: KEY_PUBLISH_LEAD_S,
      nextRotationAt,
    })
  },
)

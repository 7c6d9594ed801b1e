import { Hono } from 'hono'
import { z } from 'zod'
import { updateStudySettings } from '../../lib/content/study'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}
export const SettingsBody = z.object({
  timezone: z
    .string()
    .max(64)
    .refine(validZone, 'must be an IANA time zone, e.g. Europe/Berlin')
    .optional(),
  desiredRetention: z.number().min(0.7).max(0.99).optional(),
  maximumInterval: z.number().int().min(1).max(36500).optional(),
})

export default new Hono<BackendEnv>().put(
  '/api/study/settings',
  requireUser(),
  rateLimit('standard'),
  validate('json', SettingsBody),
  async (c) =>
    c.json(
      await asUser(c.var.db, c.var.user.id, (sql) => updateStudySettings(sql, c.req.valid('json'))),
    ),
)

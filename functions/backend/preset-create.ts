import { Hono } from 'hono'
import { createPreset, getPreset } from '../../lib/content/presets'
import { PresetBody } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** A new preset of deck options (a name unique among the learner's; options left out take their defaults). */
export default new Hono<BackendEnv>().post(
  '/api/presets',
  requireUser(),
  rateLimit('standard'),
  validate('json', PresetBody),
  async (c) => {
    const preset = await asUser(c.var.db, c.var.user.id, async (sql) =>
      getPreset(sql, await createPreset(sql, c.req.valid('json'))),
    )
    return c.json(preset, 201)
  },
)

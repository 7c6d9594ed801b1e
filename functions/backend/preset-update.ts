import { Hono } from 'hono'
import { getPreset, updatePreset } from '../../lib/content/presets'
import { IdParam, PresetBody } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** Renames a preset or changes its options: every deck that uses it studies with the new options at once. */
export default new Hono<BackendEnv>().patch(
  '/api/presets/:id',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  validate('json', PresetBody.partial()),
  async (c) => {
    const { id } = c.req.valid('param')
    const preset = await asUser(c.var.db, c.var.user.id, async (sql) =>
      (await updatePreset(sql, id, c.req.valid('json'))) ? getPreset(sql, id) : null,
    )
    if (!preset) throw new ApiError('NOT_FOUND', 'No such preset')
    return c.json(preset)
  },
)

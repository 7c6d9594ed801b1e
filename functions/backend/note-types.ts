import { Hono } from 'hono'
import { NOTE_TYPE_IDS, NOTE_TYPES } from '../../lib/content/note-types'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'

/** The note types a note can have, with the fields each takes. */
export default new Hono<BackendEnv>().get(
  '/api/note-types',
  requireUser(),
  rateLimit('standard'),
  (c) => c.json({ items: NOTE_TYPE_IDS.map((id) => ({ id, ...NOTE_TYPES[id] })) }),
)

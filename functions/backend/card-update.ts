import { Hono } from 'hono'
import { editCard } from '../../lib/content/notes'
import { cardSchemas, IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/** Edits a card's front, back (its note's fields: the note's other cards follow), notes, examples or tags. */
export default new Hono<BackendEnv>().patch(
  '/api/cards/:id',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  validate('json', (c) => cardSchemas(c.var.config).patch),
  async (c) => {
    const card = await asUser(c.var.db, c.var.user.id, (sql) =>
      editCard(
        sql,
        c.req.valid('param').id,
        c.req.valid('json'),
        c.var.config,
        new Date(c.var.now()),
      ),
    )
    if (!card) throw new ApiError('NOT_FOUND', 'No such card')
    return c.json(card)
  },
)

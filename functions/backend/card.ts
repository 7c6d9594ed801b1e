import { Hono } from 'hono'
import { deleteCard, getCard, updateCard } from '../../lib/content/cards'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import { CardBody, IdParam } from './content-schemas'
import type { BackendEnv } from './index'

const missing = () => new ApiError('NOT_FOUND', 'No such card')

/** One card: read, edit, delete. */
export default new Hono<BackendEnv>()
  .get('/:id', requireUser(), rateLimit('standard'), validate('param', IdParam), async (c) => {
    const card = await asUser(c.var.db, c.var.user!.id, (sql) => getCard(sql, c.req.valid('param').id))
    if (!card) throw missing()
    return c.json(card)
  })
  .patch('/:id', requireUser(), rateLimit('standard'), validate('param', IdParam), validate('json', CardBody.partial()), async (c) => {
    const card = await asUser(c.var.db, c.var.user!.id, (sql) => updateCard(sql, c.req.valid('param').id, c.req.valid('json')))
    if (!card) throw missing()
    return c.json(card)
  })
  .delete('/:id', requireUser(), rateLimit('standard'), validate('param', IdParam), async (c) => {
    if (!(await asUser(c.var.db, c.var.user!.id, (sql) => deleteCard(sql, c.req.valid('param').id)))) throw missing()
    return c.body(null, 204)
  })

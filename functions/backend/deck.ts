import { Hono } from 'hono'
import { deleteDeck, getDeck, updateDeck } from '../../lib/content/decks'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import { DeckBody, IdParam } from './content-schemas'
import type { BackendEnv } from './index'

const missing = () => new ApiError('NOT_FOUND', 'No such deck') // another user's deck looks exactly like none

/** One deck: read, rename/describe/set languages and limits, delete with its cards. */
export default new Hono<BackendEnv>()
  .use('/:id', requireUser(), rateLimit('standard'))
  .get('/:id', validate('param', IdParam), async (c) => {
    const deck = await asUser(c.var.db, c.var.user!.id, (sql) => getDeck(sql, c.req.valid('param').id, new Date(c.var.now())))
    if (!deck) throw missing()
    return c.json(deck)
  })
  .patch('/:id', validate('param', IdParam), validate('json', DeckBody.partial()), async (c) => {
    const { id } = c.req.valid('param')
    const deck = await asUser(c.var.db, c.var.user!.id, async (sql) =>
      (await updateDeck(sql, id, c.req.valid('json'))) ? getDeck(sql, id, new Date(c.var.now())) : null,
    )
    if (!deck) throw missing()
    return c.json(deck)
  })
  .delete('/:id', validate('param', IdParam), async (c) => {
    if (!(await asUser(c.var.db, c.var.user!.id, (sql) => deleteDeck(sql, c.req.valid('param').id)))) throw missing()
    return c.body(null, 204)
  })

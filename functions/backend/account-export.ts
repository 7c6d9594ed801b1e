import { Hono } from 'hono'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'
import { userDocument } from './_lib/user-document'

/** Everything Lingudesk holds about the signed-in user, as one JSON document (see `userDocument`). */
export default new Hono<BackendEnv>().get(
  '/api/account/export',
  requireUser(),
  rateLimit('standard'),
  async (c) => {
    const userId = c.var.user.id
    const doc = await userDocument(c, userId)
    c.header('content-disposition', `attachment; filename="lingudesk-${userId}.json"`)
    return c.json(doc)
  },
)

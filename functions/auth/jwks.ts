import { Hono } from 'hono'
import { publishedKeys } from '../../lib/auth/keys'
import { asService } from '../../lib/db/tx'
import type { AuthEnv } from './env'

/** Every public key a verifier may still need: the signing key, the next one and recently retired ones. */
export default new Hono<AuthEnv>().get('/.well-known/jwks.json', async (c) => {
  const set = await asService(c.var.db, (sql) => publishedKeys(sql, c.var.now()))
  c.header('Cache-Control', 'public, max-age=60')
  return c.json(set)
})

import { Hono } from 'hono'
import { storeMedia } from '../../lib/ai/cache'
import { checkUpload } from '../../lib/content/media'
import { requireUser } from '../../lib/middleware/auth'
import type { AiEnv } from './env'

/**
 * A learner's own image or sound (the body's bytes): its type read from its content and held to its kind's
 * limit before anything is stored; then kept in the bucket, owned by that learner. Free; backend only.
 */
export default new Hono<AiEnv>().post('/ai/media', requireUser(), async (c) => {
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  const t = checkUpload(bytes)
  const key = await storeMedia(c.var.db, c.var.s3, c.var.user.id, {
    bytes,
    contentType: t.type,
    ext: t.ext,
  })
  return c.json({ key, kind: t.kind, contentType: t.type, bytes: bytes.length }, 201)
})

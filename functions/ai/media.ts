import { GetObjectCommand } from '@aws-sdk/client-s3'
import { Hono } from 'hono'
import { z } from 'zod'
import { ownsMedia } from '../../lib/ai/cache'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { validate } from '../../lib/validate'
import { MediaKey } from '../../lib/content/media'
import type { AiEnv } from './env'

/**
 * A generated image or sound, streamed from the bucket (which stays private, on core-net), to the learner
 * who owns it only: anyone else gets the same 404 as for a key that does not exist. Keys are random and never
 * reused, so an answer never changes and may be cached for good (privately).
 */
export default new Hono<AiEnv>().get(
  '/ai/media/:key',
  requireUser(),
  validate('param', z.object({ key: MediaKey })),
  async (c) => {
    const { key } = c.req.valid('param')
    if (!(await asService(c.var.db, (sql) => ownsMedia(sql, key, c.var.user.id))))
      throw new ApiError('NOT_FOUND', 'No such media')
    const obj = await c.var.s3.client
      .send(new GetObjectCommand({ Bucket: c.var.s3.bucket, Key: key }))
      .catch((err: Error) => {
        if (err.name === 'NoSuchKey') throw new ApiError('NOT_FOUND', 'No such media')
        throw err
      })
    if (!obj.Body) throw new ApiError('NOT_FOUND', 'No such media')
    const bytes = new Uint8Array(await obj.Body.transformToByteArray())
    return c.body(bytes, 200, {
      'content-type': obj.ContentType ?? 'application/octet-stream',
      'cache-control': 'private, max-age=31536000, immutable',
    })
  },
)

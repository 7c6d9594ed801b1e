import { DeleteObjectsCommand } from '@aws-sdk/client-s3'
import { Hono } from 'hono'
import { z } from 'zod'
import { forgetMedia } from '../../lib/ai/cache'
import { asService } from '../../lib/db/tx'
import { requireService } from '../../lib/middleware/service-auth'
import { validate } from '../../lib/validate'
import { MediaKey } from '../../lib/content/media'
import type { AiEnv } from './env'

const BATCH = 1000 // the most one S3 DeleteObjects call takes

/**
 * Deletes media objects of an erased account (backend only; it has checked no other learner uses them).
 * The cache entries go first, so no new request is answered with an object about to disappear.
 */
export default new Hono<AiEnv>().post(
  '/internal/media/erase',
  requireService({ from: ['backend'] }),
  validate('json', z.object({ keys: z.array(MediaKey).max(100_000) })),
  async (c) => {
    const keys = [...new Set(c.req.valid('json').keys)]
    if (!keys.length) return c.json({ deleted: 0 })
    await asService(c.var.db, (sql) => forgetMedia(sql, keys))
    const { client, bucket } = c.var.s3
    for (let i = 0; i < keys.length; i += BATCH) {
      const Objects = keys.slice(i, i + BATCH).map((Key) => ({ Key }))
      await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } }),
      )
    }
    return c.json({ deleted: keys.length })
  },
)

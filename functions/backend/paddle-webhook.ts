import { Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { rateLimit } from '../../lib/middleware/rate-limit'
import type { BackendEnv } from './env'

/**
 * Paddle's notifications: public, so limited per address, and passed to the credit service byte for byte
 * with their signature, which credit verifies (the signature covers the raw body).
 */
export default new Hono<BackendEnv>().post(
  '/api/webhooks/paddle',
  rateLimit('public'),
  async (c) => {
    const res = await c.var.services.call('credit', '/webhooks/paddle', {
      raw: await c.req.text(),
      headers: { 'paddle-signature': c.req.header('paddle-signature') },
      requestId: c.var.requestId,
      timeoutMs: 10_000,
    })
    return c.body(res.body as ReadableStream, {
      status: res.status as ContentfulStatusCode,
      headers: { 'content-type': 'application/json' },
    })
  },
)

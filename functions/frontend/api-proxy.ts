import { Hono } from 'hono'
import { ApiError } from '../../lib/errors'
import type { FrontendEnv } from './env'

// Headers through which a client could claim another address or origin: only this edge sets them.
const SPOOFABLE = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
]
// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, in either direction.
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]
// Not passed on either: accept-encoding, as fetch would decompress the answer and leave a content-encoding
// that no longer holds; host, which fetch sets for the backend.
const DROPPED = [...SPOOFABLE, ...HOP_BY_HOP, 'accept-encoding', 'host']

/**
 * Every /api/* request goes to the backend, unchanged but for the headers this edge vouches for. One fetch
 * with the body streamed through (no Request or Response built around it twice: this is the hot path).
 */
export default new Hono<FrontendEnv>().all('/api/*', async (c) => {
  const url = new URL(c.req.url)
  const headers = new Headers(c.req.raw.headers)
  for (const name of DROPPED) headers.delete(name)
  headers.set('x-forwarded-for', c.var.peerAddress?.(c) ?? 'unknown')
  headers.set('x-forwarded-host', url.host)
  headers.set('x-forwarded-proto', url.protocol.slice(0, -1))
  headers.set('x-request-id', c.var.requestId)
  const target = new URL(url.pathname + url.search, c.var.config.BACKEND_URL)
  const hasBody = c.req.method !== 'GET' && c.req.method !== 'HEAD'
  const res = await fetch(target, {
    method: c.req.method,
    headers,
    body: hasBody ? c.req.raw.body : undefined,
    redirect: 'manual',
    ...(hasBody && { duplex: 'half' }), // a streamed request body (Node's fetch requires saying so)
  }).catch((cause) => {
    throw new ApiError('UNAVAILABLE', 'The service is unreachable; try again shortly', undefined, {
      cause,
    })
  })
  const answer = new Headers(res.headers)
  for (const name of HOP_BY_HOP) answer.delete(name)
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: answer })
})

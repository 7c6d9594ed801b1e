import type { Context } from 'hono'

export type RequestMeta = { requestId?: string; ip?: string; userAgent?: string }

/**
 * Who is asking, for audit rows. Behind the backend the client address is the first X-Forwarded-For
 * entry, which only the frontend edge sets; a role reached directly sees its TCP peer.
 */
export function requestMeta(c: Context): RequestMeta {
  const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
  return {
    requestId: c.get('requestId'),
    ip: forwarded || c.get('peerAddress')?.(c),
    userAgent: c.req.header('user-agent')?.slice(0, 512),
  }
}

import type { Context } from 'hono'
import { textProblem } from './validate'

export type RequestMeta = { requestId?: string; ip?: string; userAgent?: string }

// Headers are data here: kept only when they follow the text rule (HTTP itself refuses NUL in them).
const text = (s?: string) => (s && !textProblem(s) ? s : undefined)

/**
 * Who is asking, for audit rows. Behind the backend the client address is the first X-Forwarded-For
 * entry, which only the frontend edge sets; a role reached directly sees its TCP peer.
 */
export function requestMeta(c: Context): RequestMeta {
  const forwarded = text(c.req.header('x-forwarded-for')?.split(',')[0]?.trim())
  return {
    requestId: c.get('requestId'),
    ip: forwarded || c.get('peerAddress')?.(c),
    userAgent: text(c.req.header('user-agent')?.slice(0, 512)),
  }
}

import type { Context } from 'hono'
import { ApiError, type ErrorCode } from '../../../lib/errors'
import { requestMeta } from '../../../lib/request-meta'
import type { BackendEnv } from '../env'

/**
 * A core service's JSON answer to a call made with the signed-in user's token: its 4xx errors pass on as
 * they are (the service checks the role and the input too); anything else is 503.
 */
export async function serviceJson<E extends BackendEnv>(
  c: Context<E>,
  role: 'auth' | 'credit' | 'ai',
  path: string,
  o: { method?: string; body?: unknown; bytes?: Uint8Array; timeoutMs?: number } = {},
): Promise<unknown> {
  const res = await c.var.services.call(role, path, {
    ...o,
    requestId: c.var.requestId,
    authorization: c.req.header('authorization'),
    headers: { 'x-forwarded-for': requestMeta(c).ip },
  })
  const json = (await res.json().catch(() => null)) as {
    error?: { code: ErrorCode; message: string; details?: unknown }
  } | null
  if (res.ok) return json
  if (res.status < 500 && json?.error)
    throw new ApiError(json.error.code, json.error.message, json.error.details)
  throw new ApiError('UNAVAILABLE', `The ${role} service could not answer; try again shortly`, {
    retryAfter: 10,
  })
}

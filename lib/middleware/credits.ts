import type { Context } from 'hono'
import type { AppEnv } from '../app'
import type { Stored } from '../credit/idempotency'
import { SETTLE_RETRY_MS } from '../credit/paid'
import { sha256Hex } from '../crypto'
import { ApiError } from '../errors'
import type { Services } from '../services'

export const COST_HEADER = 'x-cost-micros'
export const IDEMPOTENCY_KEY = /^[\w.:-]{8,200}$/

/** JSON with object keys sorted at every depth: the same request always has the same text. */
const canonical = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : v !== null && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : (JSON.stringify(v) ?? 'null')

async function fingerprintOf(c: Context) {
  const url = new URL(c.req.url)
  const body = c.req.method === 'GET' ? null : await c.req.json().catch(() => null)
  return sha256Hex(`${c.req.method} ${url.pathname}${url.search}\n${canonical(body)}`)
}

/** A call to credit; null when it could not be reached (or answered 5xx). */
async function credit(services: Services, path: string, body: unknown, requestId: string) {
  const res = await services
    .call('credit', path, { method: 'POST', body, requestId })
    .catch(() => null)
  if (!res || res.status >= 500) return null
  return { status: res.status, json: (await res.json()) as Record<string, any> }
}

const answer = (s: Stored, replayed: boolean) =>
  new Response(s.body, {
    status: s.status,
    headers: {
      'content-type': s.contentType,
      [COST_HEADER]: String(s.cost),
      ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
    },
  })

/**
 * One paid call, run at most once per Idempotency-Key (the client's, scoped to the user and bound to the
 * request's method, path and body; a call without one gets a key of its own). Credit holds `hold`, the most
 * the call can cost, then `run` calls the service; a 2xx answer is settled at the cost it reports and
 * stored with that charge in one transaction, and the stored answer is what the client gets, now and on
 * every replay. A failed call releases the hold: nothing is charged and the key may run again.
 */
export async function paidCall<E extends AppEnv>(
  c: Context<E>,
  hold: number,
  run: () => Promise<Response>,
): Promise<Response> {
  const { services, user, requestId } = c.var
  if (!services || !user) throw new Error('paidCall runs after requireUser, with deps.services')
  const sent = c.req.header('idempotency-key')
  if (sent !== undefined && !IDEMPOTENCY_KEY.test(sent))
    throw new ApiError('BAD_REQUEST', 'Idempotency-Key must be 8–200 characters of [A-Za-z0-9_.:-]')
  const attempt = crypto.randomUUID()
  const begin = {
    userId: user.id,
    amount: Math.max(1, hold),
    key: sent ?? attempt,
    fingerprint: await fingerprintOf(c),
    attempt,
  }
  const begun = await credit(services, '/internal/holds', begin, requestId)
  if (!begun)
    throw new ApiError(
      'CREDIT_UNAVAILABLE',
      'Credits are briefly unavailable, so nothing was run or charged; try again shortly',
      { retryAfter: 5 },
    )
  if (begun.status === 200) return answer(begun.json.replay, true)
  if (begun.status !== 201) {
    const e = begun.json.error
    throw new ApiError(
      e.code,
      e.code === 'PAYMENT_REQUIRED' ? 'Not enough credits for this action' : e.message,
      e.details,
    )
  }
  const holdId: string = begun.json.hold.id
  const res = await run().catch((err: Error) => err)
  const cost = res instanceof Response ? res.headers.get(COST_HEADER) : null
  if (!(res instanceof Response) || !res.ok || cost === null || !/^\d{1,15}$/.test(cost)) {
    await credit(services, `/internal/holds/${holdId}/release`, undefined, requestId) // if lost, the sweeper frees it
    if (!(res instanceof Response)) throw res
    if (res.ok)
      throw new ApiError(
        'UPSTREAM_FAILED',
        'The service answered without its cost; nothing was charged',
      )
    return res
  }
  const response = {
    status: res.status,
    contentType: res.headers.get('content-type') ?? 'application/json',
    body: await res.text(),
  }
  const settled = await settle(services, holdId, { actual: Number(cost), response }, requestId)
  if (settled?.outcome === 'expired')
    throw new ApiError(
      'HOLD_EXPIRED',
      'This request took longer than its hold allows, so its answer was dropped and nothing was charged; send it again',
    )
  if (!settled?.response)
    throw new ApiError(
      'CHARGE_NOT_RECORDED',
      'The answer is ready but its charge could not be recorded, so it is held back. Retrying with the same Idempotency-Key is safe: it answers once, charged once, or runs again if nothing was charged',
      { retryAfter: 5 },
    )
  return answer(settled.response, false)
}

/** Settles, retrying while credit is unreachable: a settle is idempotent by its hold. */
async function settle(services: Services, holdId: string, body: unknown, requestId: string) {
  const deadline = Date.now() + SETTLE_RETRY_MS
  for (let wait = 200; ; wait = Math.min(wait * 2, 2000)) {
    const r = await credit(services, `/internal/holds/${holdId}/settle`, body, requestId)
    if (r)
      return r.status === 200
        ? (r.json as { outcome: 'settled' | 'expired'; response?: Stored })
        : null
    if (Date.now() + wait > deadline) return null
    await new Promise((ok) => setTimeout(ok, wait))
  }
}

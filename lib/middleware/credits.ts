import type { Context, Next } from 'hono'
import type { AppEnv } from '../app'
import type { Stored } from '../credit/idempotency'
import { type CostClass, SETTLE_RETRY_MS } from '../credit/paid'
import { sha256Hex } from '../crypto'
import { ApiError, type ErrorCode } from '../errors'
import type { Services } from '../services'
import { named } from './named'

export const COST_HEADER = 'x-cost-micros'
/** On a call to the service of a paid route: an earlier attempt under this key may have done the work uncharged. */
export const RERUN_HEADER = 'x-paid-rerun'
/** On a call to the service of a paid route: the Idempotency-Key it runs under (the AI cache keeps it with the answer). */
export const KEY_HEADER = 'x-paid-key'
/** On a call before any hold: answer only a cache hit that costs nothing, else 204 (functions/backend/_lib/free-hit.ts). */
export const FREE_ONLY_HEADER = 'x-free-only'
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

/** What credit's hold and settle routes answer (lib/credit/idempotency.ts), error bodies included. */
type CreditReply = {
  replay?: Stored
  hold?: { id: string }
  rerun?: true
  outcome?: 'settled' | 'expired'
  response?: Stored
  error?: { code: ErrorCode; message: string; details?: unknown }
}

/** A call to credit; null when it could not be reached (or answered 5xx). */
async function credit(services: Services, path: string, body: unknown, requestId: string) {
  const res = await services
    .call('credit', path, { method: 'POST', body, requestId })
    .catch(() => null)
  if (!res || res.status >= 500) return null
  return { status: res.status, json: (await res.json()) as CreditReply }
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

/** Records the charge of a paid answer and stores it (see `paid`); resolves to what the client is sent. */
export type Charge = (res: Response) => Promise<Response>

/**
 * The money step of a paid route, run at most once per Idempotency-Key (the client's, scoped to the user and
 * bound to the request's method, path and body; a call without one gets a key of its own). Credit holds
 * `holdOf(c)`, the most the call can cost, then the handler runs; its 2xx answer is settled at the cost it
 * reports (X-Cost-Micros) and stored with that charge in one transaction, and the stored answer is what the
 * client gets, now and on every replay. A handler whose answer goes with a change of its own (AI on a card)
 * calls `c.var.charge(answer)` inside that change's transaction, so a charge that fails rolls the change back.
 * A failed call releases the hold: nothing is charged and the key may run again; that run is a `rerun` (the
 * service is told, RERUN_HEADER), priced in full even from a cache the uncharged attempt filled.
 */
export const paid = <E extends AppEnv>(
  cost: CostClass,
  holdOf: (c: Context<E>) => number | Promise<number>,
  /** Before a stored answer is replayed: a route whose answer goes with a change of its own makes sure of it. */
  replaying?: (c: Context<E>, stored: Stored) => Promise<void>,
) =>
  named(`paid(${cost})`, async (c: Context<E>, next: Next) => {
    const { services, user, requestId } = c.var
    if (!services || !user) throw new Error('paid runs after requireUser, with deps.services')
    const sent = c.req.header('idempotency-key')
    if (sent !== undefined && !IDEMPOTENCY_KEY.test(sent))
      throw new ApiError(
        'BAD_REQUEST',
        'Idempotency-Key must be 8–200 characters of [A-Za-z0-9_.:-]',
      )
    const attempt = crypto.randomUUID()
    const begin = {
      userId: user.id,
      amount: Math.max(1, await holdOf(c)),
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
    const { replay, hold: held, rerun, error: e } = begun.json
    if (begun.status === 200 && replay) {
      await replaying?.(c, replay)
      return answer(replay, true)
    }
    if (begun.status !== 201 || !held) {
      if (!e) throw new Error(`credit answered ${begun.status} without an error body`)
      throw new ApiError(
        e.code,
        e.code === 'PAYMENT_REQUIRED' ? 'Not enough credits for this action' : e.message,
        e.details,
      )
    }
    const holdId = held.id
    let charged: Promise<Response> | undefined
    const chargeOnce: Charge = (res) => (charged ??= charge(services, holdId, res, requestId))
    c.set('charge', chargeOnce)
    c.set('rerun', rerun === true)
    c.set('paidKey', begin.key)
    await next()
    if (charged) return // the handler charged its answer itself: it sent what the charge gave, or its error
    const res = c.res
    const reported = res.headers.get(COST_HEADER)
    if (c.error || !res.ok || reported === null || !/^\d{1,15}$/.test(reported)) {
      await credit(services, `/internal/holds/${holdId}/release`, undefined, requestId) // if lost, the sweeper frees it
      if (!c.error && res.ok)
        throw new ApiError(
          'UPSTREAM_FAILED',
          'The service answered without its cost; nothing was charged',
        )
      return
    }
    const stored = await chargeOnce(res)
    c.res = undefined // the stored answer replaces the handler's whole, headers included
    c.res = stored
  })

/** Settles a 2xx answer at its X-Cost-Micros and stores it; throws when the charge was not recorded. */
async function charge(services: Services, holdId: string, res: Response, requestId: string) {
  const response = {
    status: res.status,
    contentType: res.headers.get('content-type') ?? 'application/json',
    body: await res.text(),
  }
  const actual = Number(res.headers.get(COST_HEADER))
  const settled = await settle(services, holdId, { actual, response }, requestId)
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
    if (r) return r.status === 200 ? r.json : null
    if (Date.now() + wait > deadline) return null
    await new Promise((ok) => setTimeout(ok, wait))
  }
}

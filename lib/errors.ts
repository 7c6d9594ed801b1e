import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv, Deps } from './app'

const STATUS = {
  BAD_REQUEST: 400,
  BAD_PACKAGE: 400,
  WEAK_PASSWORD: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_CODE: 401,
  SESSION_EXPIRED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  EMAIL_TAKEN: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  HOLD_EXPIRED: 409,
  IMPORT_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  PACKAGE_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_MISMATCH: 422,
  RATE_LIMITED: 429,
  ACCOUNT_LOCKED: 429,
  INTERNAL: 500,
  UPSTREAM_FAILED: 502,
  UNAVAILABLE: 503,
  CREDIT_UNAVAILABLE: 503,
  CHARGE_NOT_RECORDED: 503,
  DATABASE_BUSY: 503,
} as const

export type ErrorCode = keyof typeof STATUS

// The generic code for a status (the first listed), for errors raised by Hono itself.
const CODE_BY_STATUS = Object.fromEntries(
  Object.entries(STATUS)
    .reverse()
    .map(([code, status]) => [status, code]),
) as Record<number, ErrorCode>

/** The one error type handlers throw: `message` is shown to clients, `cause` only to logs. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    opts?: ErrorOptions,
  ) {
    super(message, opts)
  }

  get status() {
    return STATUS[this.code]
  }
}

export const errorBody = (err: ApiError, requestId?: string) => ({
  error: { code: err.code, message: err.message, details: err.details, requestId },
})

// Keys, bearer tokens and JWTs a provider or driver may echo in a message never reach the log.
const SECRET = /\b(sk|pk|rk|key)[-_][\w-]{8,}|\bBearer\s+\S+|\beyJ[\w-]+\.[\w-]+\.[\w-]*/gi
const redact = (s: string) => s.replace(SECRET, '[redacted]')

/** An error and every `cause` under it, outermost first, as one line each (no more than 10). */
export function causeChain(err: unknown): string[] {
  const chain: string[] = []
  for (
    let e = err;
    e !== undefined && e !== null && chain.length < 10;
    e = (e as { cause?: unknown }).cause
  )
    chain.push(redact(e instanceof Error ? `${e.name}: ${e.message}` : String(e)))
  return chain
}

export function onError<D extends Deps>(err: Error, c: Context<AppEnv<D>>) {
  const requestId = c.get('requestId')
  if (err instanceof ApiError) {
    const retry = (err.details as { retryAfter?: unknown } | undefined)?.retryAfter
    if (typeof retry === 'number') c.header('Retry-After', String(retry))
    // A server-side failure must be explainable from the log alone; a refusal is routine.
    if (err.status >= 500)
      c.var.log.error('request failed', {
        requestId,
        code: err.code,
        status: err.status,
        causes: causeChain(err),
      })
    else
      c.var.log.debug('request refused', {
        requestId,
        code: err.code,
        status: err.status,
        message: err.message,
      })
    return c.json(errorBody(err, requestId), err.status)
  }
  if (err instanceof HTTPException && err.status < 500) {
    const code = CODE_BY_STATUS[err.status] ?? 'BAD_REQUEST'
    return c.json(errorBody(new ApiError(code, err.message || code), requestId), err.status)
  }
  // A write by a token that outlived its account (deleted): the users row it hangs on is gone.
  const pg = err as { code?: string; constraint?: string }
  if (pg.code === '23503' && /_user_id_fkey$/.test(pg.constraint ?? ''))
    return c.json(
      errorBody(new ApiError('UNAUTHORIZED', 'This account no longer exists'), requestId),
      401,
    )
  c.var.log.error('unhandled error', {
    requestId,
    causes: causeChain(err),
    stack: err.stack && redact(err.stack),
  })
  return c.json(errorBody(new ApiError('INTERNAL', 'Something went wrong'), requestId), 500)
}

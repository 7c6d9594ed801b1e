import type { Context, ValidationTargets } from 'hono'
import { validator } from 'hono/validator'
import type { z } from 'zod'
import { ApiError } from './errors'
import { named } from './middleware/named'

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i

export const issuesOf = (error: z.ZodError) =>
  error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))

const WHAT: Partial<Record<keyof ValidationTargets, string>> = {
  json: 'Some fields need a change: see details',
  query: 'Some query parameters need a change: see details',
}

const isJson = (c: Context) => JSON_TYPE.test((c.req.header('content-type') ?? '').split(';')[0].trim())

/** A JSON body to pass on unchanged (a proxy): 415 if it is not JSON, 400 if it does not parse. */
export async function readJson(c: Context): Promise<unknown> {
  if (!isJson(c)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json')
  return c.req.json().catch(() => {
    throw new ApiError('BAD_REQUEST', 'Malformed JSON in request body')
  })
}

/**
 * zod validation for one part of the request: 415 for a body that is not JSON, 400 with details. The schema
 * may depend on the request's context (limits from config).
 */
export const validate = <T extends keyof ValidationTargets, S extends z.ZodType>(target: T, schema: S | ((c: Context) => S)) =>
  named(`validate(${target})`, validator(target, async (value, c): Promise<z.output<S>> => {
    if (target === 'json' && !isJson(c)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json')
    const parsed = await (typeof schema === 'function' ? schema(c) : schema).safeParseAsync(value)
    if (!parsed.success) throw new ApiError('BAD_REQUEST', WHAT[target] ?? 'Some values need a change: see details', issuesOf(parsed.error))
    return parsed.data
  }))

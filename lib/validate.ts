import type { ValidationTargets } from 'hono'
import { validator } from 'hono/validator'
import type { z } from 'zod'
import { ApiError } from './errors'

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i

export const issuesOf = (error: z.ZodError) =>
  error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))

/** zod validation for one part of the request: 415 for a body that is not JSON, 400 with details. */
export const validate = <T extends keyof ValidationTargets, S extends z.ZodType>(target: T, schema: S) =>
  validator(target, async (value, c): Promise<z.output<S>> => {
    if (target === 'json') {
      const type = (c.req.header('content-type') ?? '').split(';')[0].trim()
      if (!JSON_TYPE.test(type))
        throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json')
    }
    const parsed = await schema.safeParseAsync(value)
    if (!parsed.success) throw new ApiError('BAD_REQUEST', `Invalid ${target}`, issuesOf(parsed.error))
    return parsed.data
  })

import type { Context, ValidationTargets } from 'hono'
import { createMiddleware } from 'hono/factory'
import { validator } from 'hono/validator'
import { z } from 'zod'
import { ANKI_IMPORT_PATH } from './content/limits'
import { ApiError } from './errors'
import { named } from './middleware/named'

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i
const FORM_TYPE = /^application\/x-www-form-urlencoded$/i

export type Issue = { path: string; message: string }
export const issuesOf = (error: z.ZodError): Issue[] =>
  error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))

// The one rule for text from outside. PostgreSQL refuses NUL in text (a 500 deep in a query), and half of
// a surrogate pair has no UTF-8 form; with the `u` flag only unpaired halves match.
const BAD_TEXT = /[\0\uD800-\uDFFF]/u
export const textProblem = (s: string) =>
  !BAD_TEXT.test(s)
    ? undefined
    : s.includes('\0')
      ? 'must not contain NUL characters'
      : 'must not contain unpaired surrogates'

/** A string that follows the text rule: for text that does not arrive as JSON, a query or a path (CSV cells, headers). */
export const Text = z.string().superRefine((s, ctx) => {
  const problem = textProblem(s)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

const MAX_ISSUES = 20
/**
 * The strings and keys of a parsed JSON value that break the text rule, by path. Nesting deeper than
 * `maxDepth` is refused outright: it would overflow JSON.stringify and recursive code further on.
 */
export function textIssues(
  value: unknown,
  maxDepth: number,
  path: (string | number)[] = [],
  out: Issue[] = [],
): Issue[] {
  if (out.length >= MAX_ISSUES) return out
  const at = (p: (string | number)[]) => p.join('.')
  if (typeof value === 'string') {
    const problem = textProblem(value)
    if (problem) out.push({ path: at(path), message: problem })
  } else if (value !== null && typeof value === 'object') {
    if (path.length >= maxDepth)
      throw new ApiError('BAD_REQUEST', `JSON nested deeper than ${maxDepth} levels`)
    if (Array.isArray(value)) value.forEach((v, i) => textIssues(v, maxDepth, [...path, i], out))
    else
      for (const [k, v] of Object.entries(value)) {
        const problem = textProblem(k)
        if (problem) out.push({ path: at([...path, JSON.stringify(k)]), message: `key ${problem}` })
        textIssues(v, maxDepth, [...path, k], out)
      }
  }
  return out
}

const typeOf = (c: Context) => (c.req.header('content-type') ?? '').split(';')[0].trim()
const isJson = (c: Context) => JSON_TYPE.test(typeOf(c))
const decodes = (s: string) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s // left as sent: such a segment or value matches no route and no schema
  }
}
const pairIssues = (pairs: URLSearchParams) =>
  [...pairs].flatMap(([k, v]) => {
    const problem = textProblem(k) ?? textProblem(v)
    return problem ? [{ path: textProblem(k) ? JSON.stringify(k) : k, message: problem }] : []
  })
const WHAT: Partial<Record<keyof ValidationTargets, string>> = {
  json: 'Some fields need a change: see details',
  query: 'Some query parameters need a change: see details',
}
const invalid = (target: keyof ValidationTargets | 'path', issues: Issue[]) =>
  new ApiError(
    'BAD_REQUEST',
    (target !== 'path' && WHAT[target]) || 'Some values need a change: see details',
    issues,
  )
const refuse = (target: keyof ValidationTargets | 'path', issues: Issue[]) => {
  if (issues.length) throw invalid(target, issues)
}

/**
 * The body length a request declares, when it is sent whole with one (no Transfer-Encoding): the HTTP
 * parser holds the body to it.
 */
export function declaredLength(c: Context): number | undefined {
  const length = c.req.header('content-length')
  if (length === undefined || c.req.header('transfer-encoding') !== undefined) return undefined
  const n = Number(length)
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

/**
 * Whether a request carries a body, from its headers where they tell: on Node, asking for c.req.raw.body
 * builds a whole web Request and stream, which cost more than a small route itself, and then the body can
 * no longer be read directly. A Request made in code (a Service Binding) may carry one with neither header.
 */
export function hasBody(c: Context) {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return false
  const length = declaredLength(c)
  return length === undefined ? c.req.raw.body !== null : length > 0
}

/**
 * The edge of every inner role, before any route runs: the path, the query and a JSON or form body follow
 * the text rule, and JSON is at most `maxDepth` deep (its size is already bounded by the body limit).
 * So no route can forget it, and proxied bodies are checked too.
 */
export const guardInput = (maxDepth: number) =>
  createMiddleware(async function guardInput(c, next) {
    const url = c.req.url
    // Without a percent sign a URL cannot carry NUL (parsers refuse the raw byte) or a surrogate half.
    if (url.includes('%')) {
      const { pathname, searchParams } = new URL(url)
      const bad = pathname
        .split('/')
        .map((seg) => textProblem(decodes(seg)))
        .find(Boolean)
      if (bad) refuse('path', [{ path: 'path', message: bad }])
      refuse('query', pairIssues(searchParams))
    }
    // An Anki package is bytes whatever its declared type, streamed by its route: reading it here would
    // lock the stream.
    if (!hasBody(c) || ANKI_IMPORT_PATH.test(c.req.path)) return next()
    if (FORM_TYPE.test(typeOf(c)))
      refuse('form', pairIssues(new URLSearchParams(await c.req.text())))
    else if (isJson(c)) {
      const text = await c.req.text() // cached: the route reads the same text
      let body: unknown
      try {
        body = text.trim() ? JSON.parse(text) : undefined
      } catch {
        throw new ApiError('BAD_REQUEST', 'Malformed JSON in request body')
      }
      refuse('json', textIssues(body, maxDepth))
    }
    await next()
  })

/** A JSON body to pass on byte for byte (a proxy; the edge has checked it): 415 if it is not JSON. */
export async function readJson(c: Context): Promise<string> {
  if (!isJson(c)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json')
  const text = await c.req.text()
  if (!text.trim()) throw new ApiError('BAD_REQUEST', 'Send a JSON body')
  return text
}

/**
 * zod validation for one part of the request: 415 for a body that is not JSON, 400 with details. The schema
 * may depend on the request's context (limits from config).
 */
export const validate = <T extends keyof ValidationTargets, S extends z.ZodType>(
  target: T,
  schema: S | ((c: Context) => S),
) => {
  const check = named(
    `validate(${target})`,
    validator(target, async (value, c): Promise<z.output<S>> => {
      if (target === 'json' && !isJson(c))
        throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json')
      const parsed = await (typeof schema === 'function' ? schema(c) : schema).safeParseAsync(value)
      if (!parsed.success) throw invalid(target, issuesOf(parsed.error))
      return parsed.data
    }),
  )
  schemaOf.set(check, { target, schema })
  return check
}

/** Each validator's target and schema, by its middleware: the fuzz suite reads a route's own schemas here. */
export const schemaOf = new WeakMap<
  object,
  { target: keyof ValidationTargets; schema: z.ZodType | ((c: Context) => z.ZodType) }
>()

/** An ISO date-time with its offset, in the years PostgreSQL stores (1–9999): year 0 would fail in the query. */
export const Instant = z.iso.datetime({ offset: true }).refine((s) => {
  const year = new Date(s).getUTCFullYear()
  return year >= 1 && year <= 9999
}, 'must be a date between the years 1 and 9999')

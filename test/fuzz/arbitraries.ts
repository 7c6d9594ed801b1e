import fc from 'fast-check'
import { z } from 'zod'
import { must } from '../must'

/** A JSON token written as is: numbers JSON.stringify cannot write (1e400, -0) and nesting too deep to build. */
export class Raw {
  constructor(readonly text: string) {}
}

const cursor = (at: string, id: string) => btoa(`${at}|${id}`)
const keyset = (...parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url')
const UUID = '00000000-0000-4000-8000-000000000000'

/** Strings that broke, or could break, a route: control and invisible characters, huge and odd numbers, cursors. */
export const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uDBFF',
  '\u202Eevil\u202C',
  '\u200B\u200D\uFEFF',
  'مرحبا',
  '😀👍🏽',
  'e\u0301\u0301\u0301',
  '',
  ' ',
  '\t\r\n',
  'x'.repeat(100_000),
  '-0',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '9'.repeat(400),
  '0x10',
  '1_000',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  "'; drop table content.cards; --",
  '%00',
  '%ED%A0%80',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '=cmd|x',
  UUID,
  '-'.repeat(36),
  'g'.repeat(36),
  '2024-02-30T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '0000-01-01',
  cursor('-271821-04-20T00:00:00.000Z', UUID),
  cursor('2024-01-01T00:00:00.000Z', '-'.repeat(36)),
  cursor('2024-01-01T00:00:00.000Z', UUID),
  cursor('', ''),
  keyset('created', '2026-13-45 99:99:99+00', 'AAAAAAAAAA'),
  keyset('created', '0000-01-01 00:00:00+00', 'AAAAAAAAAA'),
  keyset('at', '123', '-'.repeat(36)),
  '====',
  'a'.repeat(10) + '|',
]
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '\u0000',
  '\uD800',
  '',
]
const HOSTILE_NUMBERS = [
  0,
  -1,
  1,
  0.5,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 63),
  1e308,
  -1e308,
  5e-324,
  Number.MAX_SAFE_INTEGER,
]
const RAW = ['-0', '1e400', '-1e400', '123456789012345678901234567890', '1.0e-400', '0.1e1'].map(
  (t) => new Raw(t),
)
const deep = (n: number) => new Raw('['.repeat(n) + ']'.repeat(n))
const deepObject = (n: number) => new Raw('{"a":'.repeat(n) + '1' + '}'.repeat(n))

export const hostileString = (extra: string[] = []) => fc.constantFrom(...HOSTILE_STRINGS, ...extra)

/** Any value of the wrong type or shape: what a schema must refuse with 400. */
export const hostileValue = (extra: string[] = []): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: hostileString(extra) },
    {
      weight: 2,
      arbitrary: fc.constantFrom<unknown>(...HOSTILE_NUMBERS, ...RAW, null, true, false, [], {}),
    },
    { weight: 1, arbitrary: fc.constantFrom(deep(31), deep(33), deep(10_000), deepObject(40)) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.constantFrom(...HOSTILE_KEYS), hostileString(extra), {
        maxKeys: 3,
      }),
    },
    { weight: 1, arbitrary: fc.array(hostileString(extra), { maxLength: 3 }) },
  )

type JsonSchema = {
  type?: string | string[]
  const?: unknown
  enum?: unknown[]
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: JsonSchema | boolean
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
}

function validFrom(s: JsonSchema, extra: string[]): fc.Arbitrary<unknown> {
  if ('const' in s) return fc.constant(s.const)
  if (s.enum) return fc.constantFrom(...s.enum)
  const union = s.anyOf ?? s.oneOf
  if (union) return fc.oneof(...union.map((u) => validFrom(u, extra)))
  if (s.allOf?.length) return validFrom(s.allOf[0], extra)
  if (Array.isArray(s.type))
    return fc.oneof(...s.type.map((type) => validFrom({ ...s, type }, extra)))
  switch (s.type) {
    case 'object': {
      const props = s.properties ?? {}
      const record = fc.record(
        Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validFrom(v, extra)])),
        { requiredKeys: s.required?.filter((k) => k in props) ?? [] },
      )
      const more = fc.dictionary(
        fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 })),
        hostileValue(extra),
        { maxKeys: 2 },
      )
      return fc
        .tuple(
          record,
          fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: more }),
        )
        .map(([r, m]) => (m ? { ...m, ...r } : r))
    }
    case 'array':
      return fc.array(validFrom(s.items ?? {}, extra), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 4, Math.max(s.minItems ?? 0, 4)),
      })
    case 'string':
      if (s.format === 'uuid')
        return fc.oneof(
          fc.uuid(),
          fc.constantFrom(UUID, ...extra.filter((e) => /^[0-9a-f-]{36}$/.test(e))),
        )
      if (s.format === 'date-time')
        return fc
          .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString())
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern))
      return fc.oneof(
        fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 200) }),
        fc
          .constantFrom(...extra, 'de', 'en', 'a long passphrase')
          .filter((e) => e.length >= (s.minLength ?? 0)),
      )
    case 'integer':
      return fc.integer({
        min: Math.max(s.minimum ?? -1e6, Number.MIN_SAFE_INTEGER),
        max: Math.min(s.maximum ?? 1e6, Number.MAX_SAFE_INTEGER),
      })
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    default: // unrepresentable (a transform over unknown): objects of fields other routes take, or anything
      return fc.oneof(
        fc
          .dictionary(fc.constantFrom(...POOL.keys()), fc.constant(null), {
            minKeys: 1,
            maxKeys: 5,
          })
          .chain((keys) =>
            fc.record(
              Object.fromEntries(
                Object.keys(keys).map((k) => [k, validFrom(must(POOL.get(k)), extra)]),
              ),
            ),
          ),
        hostileValue(extra),
      )
  }
}

// Field name → its schema, from every route's body schema: what an unrepresentable schema is likely to take.
const POOL = new Map<string, JsonSchema>([['text', { type: 'string' }]])
const jsonSchemaOf = (schema: z.ZodType, io: 'input' | 'output' = 'input') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
export function learnFields(schemas: z.ZodType[]) {
  for (const s of schemas)
    for (const [k, v] of Object.entries(jsonSchemaOf(s).properties ?? {}))
      if (!POOL.has(k)) POOL.set(k, v)
}

// A copy of `v` with its n-th leaf (modulo their number) replaced: one bad field in an otherwise valid body
// reaches the code behind the schema, where the 500s were.
function replaceLeaf(v: unknown, n: number, by: unknown): unknown {
  const leaves: [unknown[] | Record<string, unknown>, string | number][] = []
  const copy = structuredClone(v)
  const walk = (x: unknown) => {
    if (x === null || typeof x !== 'object') return
    for (const [k, child] of Object.entries(x))
      if (child !== null && typeof child === 'object') walk(child)
      else leaves.push([x as never, k])
  }
  walk(copy)
  if (!leaves.length) return by
  const [parent, key] = leaves[n % leaves.length]
  ;(parent as Record<string, unknown>)[key] = by
  return copy
}
const sharp = fc.oneof(fc.constantFrom('a\u0000b', '\u0000', 'x\uD800', '\uDFFF'), hostileString())

/** What the schema accepts; the same with one leaf made hostile; or anything hostile. */
export const valueFrom = (s: JsonSchema, extra: string[]): fc.Arbitrary<unknown> => {
  const valid = validFrom(s, extra)
  const oneBad = fc.tuple(
    valid,
    fc.nat(),
    fc.oneof({ weight: 3, arbitrary: sharp }, { weight: 1, arbitrary: hostileValue(extra) }),
  )
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 4, arbitrary: oneBad.map(([v, n, by]) => replaceLeaf(v, n, by)) },
    { weight: 1, arbitrary: hostileValue(extra) },
  )
}

// The output side keeps what a pipe checks after a trim (`z.string().trim().pipe(z.email())`); where a transform
// leaves it unrepresentable ({}), the input side says what goes in.
function merge(input: JsonSchema, output: JsonSchema): JsonSchema {
  if (!Object.keys(output).some((k) => k !== '$schema')) return input
  const inputs = input.properties
  if (output.properties && inputs)
    return {
      ...output,
      properties: Object.fromEntries(
        Object.entries(output.properties).map(([k, v]) => [k, inputs[k] ? merge(inputs[k], v) : v]),
      ),
    }
  if (output.items && input.items) return { ...output, items: merge(input.items, output.items) }
  return output
}

/** A route's zod schema as a generator of inputs, through its JSON Schema. */
export const fromZod = (schema: z.ZodType, extra: string[]) =>
  valueFrom(merge(jsonSchemaOf(schema), jsonSchemaOf(schema, 'output')), extra)

/** JSON text of a generated value, with Raw tokens written as they are. */
export function toJson(v: unknown): string {
  if (v instanceof Raw) return v.text
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`)
      .join(',')}}`
  return JSON.stringify(v) ?? 'null'
}

/** A value as a query or path parameter. */
export const toParam = (v: unknown) =>
  typeof v === 'string' ? v : v instanceof Raw ? v.text : toJson(v)

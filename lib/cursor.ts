import { z } from 'zod'
import { ApiError } from './errors'

// Keyset pagination on (created_at, id): stable while rows arrive, unlike offsets.
export const encodeCursor = (t: { createdAt: Date; id: string }) =>
  btoa(`${t.createdAt.toISOString()}|${t.id}`)

// Exactly what encodeCursor writes: anything else (a year PostgreSQL cannot store, an id that is not a
// UUID) would otherwise reach the query and fail there.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
export const isUuid = (s: string) => ID.test(s)

function decode(cursor: string) {
  if (!BASE64.test(cursor) || cursor.length % 4) return null
  const [at, id, extra] = atob(cursor).split('|')
  if (extra !== undefined || !AT.test(at) || !ID.test(id ?? '')) return null
  const date = new Date(at)
  return date.getUTCFullYear() >= 1 && date.toISOString() === at ? { at: date, id } : null // no 30 February
}

/** A page cursor from a query: decoded fully, or 400 naming the field. */
export const Cursor = z
  .string()
  .max(200)
  .transform(
    (s, ctx) =>
      decode(s) ??
      (ctx.addIssue({ code: 'custom', message: 'is not a cursor from an earlier page' }), z.NEVER),
  )

// Keyset on any sort: the sort's name, its value and the id, as base64url JSON (names may be any script).
const b64url = (s: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(s)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

export const encodeKeyset = (sort: string, value: string, id: string) =>
  b64url(JSON.stringify([sort, value, id]))

/** The value and id after which a page sorted by `sort` goes on; 400 for anything else. */
export function decodeKeyset(cursor: string, sort: string) {
  let parsed: unknown
  try {
    const bytes = Uint8Array.from(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')), (ch) =>
      ch.charCodeAt(0),
    )
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    // refused below
  }
  const parts =
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    parsed.every((p) => typeof p === 'string' && p.length <= 400 && !p.includes('\0'))
      ? (parsed as string[])
      : null
  if (!parts || parts[0] !== sort) throw new ApiError('BAD_REQUEST', 'Invalid cursor')
  return { value: parts[1], id: parts[2] }
}

// PostgreSQL's text of a timestamptz, as a keyset cursor carries it: '2026-11-30 09:35:04.045123+00'.
const PG_TIMESTAMP =
  /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d{1,6})?[+-](\d\d)(?::(\d\d))?$/

/** Whether PostgreSQL reads this as a timestamptz: a real date from year 1, a real time, an offset under 16 h. */
export function isPgTimestamp(s: string) {
  if (s === '-infinity' || s === 'infinity') return true
  const m = PG_TIMESTAMP.exec(s)
  if (!m) return false
  const [y, mo, d, h, mi, sec, , oh, om] = m.slice(1).map((x) => Number(x ?? 0))
  const day = new Date(Date.UTC(y, mo - 1, d))
  day.setUTCFullYear(y) // Date.UTC maps years 0–99 to 1900–1999
  return (
    y >= 1 &&
    day.getUTCMonth() === mo - 1 &&
    day.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    sec < 60 &&
    oh < 16 &&
    om < 60
  )
}

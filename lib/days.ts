import { z } from 'zod'

// Statistics by UTC day: every role answers for the same window, so the backend can lay their rows side by side.

export const DaysQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) })

/** The last `days` UTC days up to and including today: [from, to) and each day as YYYY-MM-DD. */
export function dayWindow(now: number, days: number) {
  const today = Math.floor(now / 86_400_000) * 86_400_000
  const from = new Date(today - (days - 1) * 86_400_000)
  const list = Array.from({ length: days }, (_, i) =>
    new Date(from.getTime() + i * 86_400_000).toISOString().slice(0, 10),
  )
  return { from, to: new Date(today + 86_400_000), days: list }
}

/** `[{ day, …values }]` rows from SQL (day as a date or text), keyed by YYYY-MM-DD. */
export const byDay = <R extends { day?: unknown }, T>(rows: R[], pick: (r: R) => T) =>
  Object.fromEntries(
    rows.map((r) => [
      r.day instanceof Date ? r.day.toISOString().slice(0, 10) : String(r.day),
      pick(r),
    ]),
  )

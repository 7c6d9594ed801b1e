import { parseCsv, toCsv } from '../csv'
import { ApiError } from '../errors'
import { issuesOf } from '../validate'
import type { Card, CardFields } from './cards'
import { type CardLimits, cardSchemas } from './schemas'

const COLUMNS = ['front', 'back', 'notes', 'tags'] as const
export type RowError = { row: number; issues: { path: string; message: string }[] }

/** Reads an import: a header row naming front (required), back, notes, tags (space-separated). */
export function readCardRows(text: string, limits: CardLimits) {
  let table: string[][]
  try {
    table = parseCsv(text)
  } catch (err) {
    throw new ApiError('BAD_REQUEST', `This is not valid CSV: ${(err as Error).message}`)
  }
  const header = (table.shift() ?? []).map((h) => h.trim().toLowerCase())
  if (!header.includes('front')) {
    // A spreadsheet saved with semicolons or tabs reads as one column: say so, not only that front is missing.
    const other = /[;\t]/.exec(header.join(','))?.[0]
    const hint = other
      ? ` Line 1 looks separated by ${other === ';' ? 'semicolons' : 'tabs'}: save the file as comma-separated CSV.`
      : ''
    throw new ApiError(
      'BAD_REQUEST',
      `Line 1 must name the columns, with at least "front" (comma-separated).${hint}`,
    )
  }
  const { card } = cardSchemas(limits)
  const cards: CardFields[] = []
  const errors: RowError[] = []
  table.forEach((cells, i) => {
    const get = (col: (typeof COLUMNS)[number]) =>
      header.indexOf(col) >= 0 ? (cells[header.indexOf(col)] ?? '') : undefined
    const parsed = card.safeParse({
      front: get('front'),
      back: get('back'),
      notes: get('notes'),
      tags: get('tags')?.split(/\s+/).filter(Boolean),
    })
    if (parsed.success) cards.push(parsed.data)
    else errors.push({ row: i + 2, issues: issuesOf(parsed.error) }) // row numbers as a spreadsheet shows them
  })
  return { cards, errors }
}

/** The cards as the import reads them back. */
export const cardsToCsv = (cards: Card[]) =>
  toCsv(
    [...COLUMNS],
    cards.map((r) => [r.front, r.back ?? '', r.notes ?? '', (r.tags ?? []).join(' ')]),
  )

import { z } from 'zod'
import { parseCsv, toCsv } from '../csv'
import { ApiError } from '../errors'
import { issuesOf } from '../validate'
import { NOTE_TYPE_IDS, NOTE_TYPES, type NoteFields } from './note-types'
import type { Note, NoteInput } from './notes'
import { type CardLimits, cardSchemas } from './schemas'

// A note's type and fields, and what its cards start with. A type's first two fields may also come as front and
// back (so a cloze row reads "cloze,{{c1::Berlin}} is …,extra"); export writes them there.
const COLUMNS = ['type', 'front', 'back', 'addReverse', 'notes', 'tags'] as const
const ALIAS: Record<string, string> = { text: 'front', backExtra: 'back' }
export type RowError = { row: number; issues: { path: string; message: string }[] }
const Type = z.enum(NOTE_TYPE_IDS, {
  error: `must be one of ${NOTE_TYPE_IDS.join(', ')} (or empty for basic)`,
})

/**
 * Reads an import: a header row naming front (or text) and any of type (basic when empty), back (or
 * backExtra), addReverse, text, notes, tags (space-separated). Each row is a note.
 */
export function readNoteRows(text: string, limits: CardLimits) {
  let table: string[][]
  try {
    table = parseCsv(text)
  } catch (err) {
    throw new ApiError('BAD_REQUEST', `This is not valid CSV: ${(err as Error).message}`)
  }
  const header = (table.shift() ?? []).map((h) => h.trim().toLowerCase())
  if (!header.includes('front') && !header.includes('text')) {
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
  const { card, fields } = cardSchemas(limits)
  const extras = card.pick({ notes: true, tags: true })
  const notes: NoteInput[] = []
  const errors: RowError[] = []
  table.forEach((cells, i) => {
    const get = (col: string) => {
      const at = header.indexOf(col.toLowerCase())
      return at >= 0 ? (cells[at] ?? '') : undefined
    }
    const type = Type.safeParse(get('type')?.trim().toLowerCase() || 'basic')
    const row = i + 2 // as a spreadsheet numbers it
    if (!type.success)
      return errors.push({ row, issues: [{ path: 'type', message: type.error.issues[0].message }] })
    const cell = (name: string) => get(name) || (ALIAS[name] && get(ALIAS[name])) || get(name)
    const given = Object.fromEntries(
      NOTE_TYPES[type.data].fields.flatMap((f) => (cell(f) === undefined ? [] : [[f, cell(f)]])),
    )
    const f = fields[type.data].safeParse(given)
    const x = extras.safeParse({
      notes: get('notes'),
      tags: get('tags')?.split(/\s+/).filter(Boolean),
    })
    if (f.success && x.success)
      notes.push({ type: type.data, fields: f.data as NoteFields, card: x.data })
    else
      errors.push({
        row,
        issues: [...(f.success ? [] : issuesOf(f.error)), ...(x.success ? [] : issuesOf(x.error))],
      })
  })
  return { notes, errors }
}

/** The notes as the import reads them back: a type's first two fields in front and back. */
export const notesToCsv = (notes: Note[]) =>
  toCsv(
    [...COLUMNS],
    notes.map((n) => {
      const [first, second] = NOTE_TYPES[n.type].fields
      const card = n.cards[0]
      return [
        n.type,
        n.fields[first] ?? '',
        n.fields[second] ?? '',
        n.fields.addReverse ?? '',
        card?.notes ?? '',
        (card?.tags ?? []).join(' '),
      ]
    }),
  )

import { Hono } from 'hono'
import { z } from 'zod'
import { addCards, listCards, makeRoom } from '../../lib/content/cards'
import { parseCsv, toCsv } from '../../lib/csv'
import { requireDeck } from '../../lib/content/decks'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { issuesOf, validate } from '../../lib/validate'
import { CardBody, IdParam } from './content-schemas'
import type { BackendEnv } from './index'

const COLUMNS = ['front', 'back', 'notes', 'tags'] as const

/** Reads an import: a header row naming front (required), back, notes, tags (space-separated). */
function readRows(text: string) {
  let table: string[][]
  try {
    table = parseCsv(text)
  } catch (err) {
    throw new ApiError('BAD_REQUEST', `This is not valid CSV: ${(err as Error).message}`)
  }
  const header = (table.shift() ?? []).map((h) => h.trim().toLowerCase())
  if (!header.includes('front')) throw new ApiError('BAD_REQUEST', 'The first row must name the columns, with at least "front"')
  const cards: z.infer<typeof CardBody>[] = []
  const errors: { row: number; issues: { path: string; message: string }[] }[] = []
  table.forEach((cells, i) => {
    const get = (col: (typeof COLUMNS)[number]) => (header.indexOf(col) >= 0 ? (cells[header.indexOf(col)] ?? '') : undefined)
    const parsed = CardBody.safeParse({ front: get('front'), back: get('back'), notes: get('notes'), tags: get('tags')?.split(/\s+/).filter(Boolean) })
    if (parsed.success) cards.push(parsed.data)
    else errors.push({ row: i + 2, issues: issuesOf(parsed.error) }) // row numbers as a spreadsheet shows them
  })
  return { cards, errors }
}

/**
 * CSV import (dry run with `?dryRun=true`: a preview and every row's errors) — all rows or none — and
 * CSV export of a deck.
 */
export default new Hono<BackendEnv>()
  .post('/:id/import', requireUser(), rateLimit('standard'), validate('param', IdParam), validate('query', z.object({ dryRun: z.enum(['true', 'false']).default('false') })), async (c) => {
    if (!/^text\/(csv|plain)/i.test(c.req.header('content-type') ?? '')) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv')
    const { cards, errors } = readRows(await c.req.text())
    const dryRun = c.req.valid('query').dryRun === 'true'
    const deckId = c.req.valid('param').id
    const max = c.var.config.CONTENT_MAX_CARDS_PER_DECK
    const imported = await asUser(c.var.db, c.var.user!.id, async (sql) => {
      await makeRoom(sql, deckId, cards.length, max)
      if (dryRun || errors.length || !cards.length) return 0
      return (await addCards(sql, deckId, cards, new Date(c.var.now()))).length
    })
    if (errors.length && !dryRun) throw new ApiError('BAD_REQUEST', `${errors.length} rows have errors; nothing was imported`, { errors })
    return c.json({ dryRun, valid: cards.length, imported, errors, preview: cards.slice(0, 20) }, imported ? 201 : 200)
  })
  .get('/:id/export', requireUser(), rateLimit('standard'), validate('param', IdParam), async (c) => {
    const deckId = c.req.valid('param').id
    const rows = await asUser(c.var.db, c.var.user!.id, async (sql) => {
      await requireDeck(sql, deckId)
      return listCards(sql, deckId, { limit: c.var.config.CONTENT_MAX_CARDS_PER_DECK })
    })
    const csv = toCsv([...COLUMNS], rows.map((r) => [r.front, r.back ?? '', r.notes ?? '', (r.tags ?? []).join(' ')]))
    return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="deck.csv"' })
  })

import { Hono } from 'hono'
import { z } from 'zod'
import { dueQueue, gradeCard, studySettings, undoLastReview, updateStudySettings } from '../../lib/content/study'
import { requireDeck } from '../../lib/content/decks'
import { asUser } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './index'

export const QueueQuery = z.object({ deckId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) })
export const ReviewBody = z.object({
  cardId: z.uuid(),
  grade: z.enum(['again', 'hard', 'good', 'easy']),
  version: z.number().int().min(0),
  durationMs: z.number().int().min(0).max(3_600_000),
})
const validZone = (tz: string) => { try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true } catch { return false } }
export const SettingsBody = z.object({
  timezone: z.string().max(64).refine(validZone, 'must be an IANA time zone, e.g. Europe/Berlin').optional(),
  desiredRetention: z.number().min(0.7).max(0.99).optional(),
  maximumInterval: z.number().int().min(1).max(36500).optional(),
})

/** Studying: the due queue (with each grade's next interval), grading, undo, and study settings. */
export default new Hono<BackendEnv>()
  .get('/queue', requireUser(), rateLimit('standard'), validate('query', QueueQuery), async (c) => {
    const { deckId, limit } = c.req.valid('query')
    const cards = await asUser(c.var.db, c.var.user!.id, async (sql) => {
      if (deckId) await requireDeck(sql, deckId) // another user's deck is missing, not an empty queue
      return dueQueue(sql, { deckId, limit, now: new Date(c.var.now()) })
    })
    return c.json({ cards })
  })
  .post('/review', requireUser(), rateLimit('standard'), validate('json', ReviewBody), async (c) => {
    const card = await asUser(c.var.db, c.var.user!.id, (sql) => gradeCard(sql, { ...c.req.valid('json'), now: new Date(c.var.now()) }))
    return c.json(card)
  })
  .post('/undo', requireUser(), rateLimit('standard'), async (c) => {
    const card = await asUser(c.var.db, c.var.user!.id, (sql) => undoLastReview(sql, new Date(c.var.now())))
    return c.json(card)
  })
  .get('/settings', requireUser(), rateLimit('standard'), async (c) => c.json(await asUser(c.var.db, c.var.user!.id, studySettings)))
  .put('/settings', requireUser(), rateLimit('standard'), validate('json', SettingsBody), async (c) => {
    return c.json(await asUser(c.var.db, c.var.user!.id, (sql) => updateStudySettings(sql, c.req.valid('json'))))
  })

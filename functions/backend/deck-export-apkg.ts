import { Hono } from 'hono'
import { buildApkg } from '../../lib/anki/apkg'
import { attachment } from '../../lib/attachment'
import { deckPackage } from '../../lib/content/deck-package'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'

/**
 * A deck as an Anki package (.apkg, the legacy collection.anki2 every Anki imports): its notes as Anki's stock
 * note types, tags, each card's schedule and FSRS memory, the reviews as revlog, and the cards' media.
 */
export default new Hono<BackendEnv>().get(
  '/api/decks/:id/export.apkg',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    const write = c.var.writeSqlite
    if (!write)
      throw new ApiError(
        'UNAVAILABLE',
        'Anki export runs only on the Node backend; try again later',
      )
    const p = await asUser(c.var.db, c.var.user.id, (sql) =>
      deckPackage(sql, c.req.valid('param').id, c.var.config.CONTENT_MAX_CARDS_PER_DECK),
    )
    const keys = new Set(p.cards.flatMap((x) => [x.imageKey, x.audioKey].filter((k) => k !== null)))
    const media = new Map<string, Uint8Array>()
    for (const key of keys) {
      // The AI role owns the media bucket; a medium it no longer has is left out of the package.
      const res = await c.var.services.call('ai', `/ai/media/${key}`, {
        requestId: c.var.requestId,
        authorization: c.req.header('authorization'),
        timeoutMs: 15_000,
      })
      if (res.ok) media.set(key, new Uint8Array(await res.arrayBuffer()))
      else if (res.status !== 404)
        throw new ApiError('UNAVAILABLE', 'The media service could not answer; try again shortly')
    }
    const bytes = await buildApkg(p, media, write, c.var.now())
    return c.body(bytes, 200, {
      'content-type': 'application/apkg',
      'content-disposition': attachment(`${p.deck.name}.apkg`),
    })
  },
)

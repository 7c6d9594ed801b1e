import { Hono } from 'hono'
import { getCard, updateCard } from '../../lib/content/cards'
import { checkUpload, type MediaKind } from '../../lib/content/media'
import { IdParam } from '../../lib/content/schemas'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import { serviceJson } from './_lib/service-json'
import type { BackendEnv } from './env'

const FIELD: Record<MediaKind, 'imageKey' | 'audioKey'> = { image: 'imageKey', audio: 'audioKey' }

/**
 * Uploads the learner's own image (PNG, JPEG, WebP ≤ 2 MB) or sound (≤ 5 MB) into a card: the body is the
 * file, its type read from its content. Refused uploads store nothing; an accepted one goes to the media
 * bucket (through the AI role, which owns it) and replaces the card's image or sound, kept in its history.
 */
export default new Hono<BackendEnv>().post(
  '/api/cards/:id/media',
  requireUser(),
  rateLimit('standard'),
  validate('param', IdParam),
  async (c) => {
    const { id } = c.req.valid('param')
    const mine = (sql: Parameters<typeof getCard>[0]) => getCard(sql, id)
    if (!(await asUser(c.var.db, c.var.user.id, mine)))
      throw new ApiError('NOT_FOUND', 'No such card')
    const bytes = new Uint8Array(await c.req.arrayBuffer())
    const { kind } = checkUpload(bytes)
    const stored = (await serviceJson(c, 'ai', '/ai/media', {
      method: 'POST',
      bytes,
      timeoutMs: 30_000,
    })) as { key: string }
    const card = await asUser(c.var.db, c.var.user.id, (sql) =>
      updateCard(sql, id, { [FIELD[kind]]: stored.key }, 'upload'),
    )
    if (!card) throw new ApiError('NOT_FOUND', 'No such card') // deleted meanwhile
    return c.json(card, 201)
  },
)

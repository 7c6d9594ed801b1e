import type { Context } from 'hono'
import type { AnkiCollection } from '../../../lib/anki/collection'
import type { Plan } from '../../../lib/anki/map'
import type { AnkiPackage } from '../../../lib/anki/package'
import { commitImport } from '../../../lib/content/anki-commit'
import { makeDeckRoom } from '../../../lib/content/decks'
import {
  failJob,
  finishJob,
  jobHeartbeat,
  type ImportStep,
  jobProgress,
} from '../../../lib/content/import-jobs'
import {
  IMPORT_HEARTBEAT_MS,
  IMPORT_MEDIA_CONCURRENCY,
  IMPORT_PROGRESS_MS,
} from '../../../lib/content/limits'
import { asUser } from '../../../lib/db/tx'
import { ApiError } from '../../../lib/errors'
import type { BackendEnv } from '../env'
import { serviceJson } from './service-json'

// The steps a job goes through, as its failure names them.
const DOING = {
  media: 'storing its media',
  commit: 'writing its decks, cards and reviews',
} satisfies Record<ImportStep, string>

/**
 * Runs an import job after its 202: media into the bucket first (through the AI role, as uploads, a few at
 * once), then every deck, note, card and review in one transaction that also marks the job done. On any
 * failure the job is failed with the step it failed in and the media it uploaded are deleted, so a failed job
 * leaves nothing but its row. It never throws: the caller's process outlives any job.
 */
export async function runImportJob<E extends BackendEnv>(
  c: Context<E>,
  userId: string,
  jobId: string,
  plan: Plan,
  pkg: AnkiPackage,
  col: AnkiCollection,
) {
  const { db, log } = c.var
  let step: keyof typeof DOING = 'media'
  const mediaKeys = new Map<string, string>() // package name → stored key, as each lands
  // Beats on its own connection, also while the transaction runs (that never waits for a beat).
  const beat = setInterval(
    () => void asUser(db, userId, (sql) => jobHeartbeat(sql, jobId)).catch(() => {}),
    IMPORT_HEARTBEAT_MS,
  )
  const progress = (done: number, total: number, keys?: string[]) =>
    asUser(db, userId, (sql) => jobProgress(sql, jobId, { step, done, total, mediaKeys: keys }))
  try {
    await progress(0, plan.media.length)
    await storeMedia(c, plan, pkg, mediaKeys, (done, keys) =>
      progress(done, plan.media.length, keys),
    )
    // No progress inside the transaction: a second connection there would wait forever on an embedded
    // database (PGlite has one session), and what the transaction has written is invisible until its end.
    step = 'commit'
    await progress(0, plan.summary.totals.cards)
    const now = new Date(c.var.now())
    await asUser(db, userId, async (sql) => {
      await makeDeckRoom(sql, plan.summary.decks.length, c.var.config.CONTENT_MAX_DECKS) // decks made since the plan
      await commitImport(sql, plan, { mediaKeys, now })
      await finishJob(sql, jobId, plan.summary)
    })
  } catch (e) {
    log.warn('anki import failed', { jobId, step, error: String(e) })
    // The step it failed in, then what failed when that was one of our services (it says what to do).
    const failed = `The import failed while ${DOING[step]}; nothing was imported.`
    const error =
      e instanceof ApiError
        ? { code: e.code, message: `${failed} ${e.message}` }
        : { code: 'INTERNAL', message: `${failed} Try again.` }
    await asUser(db, userId, (sql) => failJob(sql, jobId, error))
      .then((keys) => [...new Set([...keys, ...mediaKeys.values()])])
      .then(
        (keys) =>
          keys.length &&
          serviceJson(c, 'ai', '/internal/media/erase', { body: { keys }, timeoutMs: 60_000 }),
      )
      .catch((e: unknown) => log.error('anki import cleanup failed', { jobId, error: String(e) }))
  } finally {
    clearInterval(beat)
    col.close()
  }
}

/**
 * Stores the plan's media through the AI role, IMPORT_MEDIA_CONCURRENCY at once, each key into `keys` as it
 * lands; `progress` gets the count and the keys not yet reported, at most every IMPORT_PROGRESS_MS. Settles
 * only when no upload is in flight, so a failure's cleanup sees every key stored.
 */
async function storeMedia<E extends BackendEnv>(
  c: Context<E>,
  plan: Plan,
  pkg: AnkiPackage,
  keys: Map<string, string>,
  progress: (done: number, keys: string[]) => Promise<void>,
) {
  const names = plan.media.values()
  let unreported: string[] = []
  let reportedAt = Date.now()
  let failed = false
  const report = () => {
    const fresh = unreported
    unreported = []
    reportedAt = Date.now()
    return progress(keys.size, fresh)
  }
  const worker = async () => {
    for (let next = names.next(); !next.done && !failed; next = names.next()) {
      const bytes = await pkg.media(next.value)
      if (!bytes) continue
      try {
        const stored = (await serviceJson(c, 'ai', '/ai/media', {
          method: 'POST',
          bytes,
          timeoutMs: 30_000,
        })) as { key: string }
        keys.set(next.value, stored.key)
        unreported.push(stored.key)
        if (Date.now() - reportedAt >= IMPORT_PROGRESS_MS) await report()
      } catch (e) {
        failed = true
        throw e
      }
    }
  }
  const settled = await Promise.allSettled(Array.from({ length: IMPORT_MEDIA_CONCURRENCY }, worker))
  for (const s of settled) if (s.status === 'rejected') throw s.reason
  await report()
}

import type { Context } from 'hono'
import type { Plan } from '../../../lib/anki/map'
import type { AnkiPackage } from '../../../lib/anki/package'
import { commitImport, importRows } from '../../../lib/content/anki-commit'
import {
  failJob,
  finishJob,
  jobHeartbeat,
  type ImportStep,
  jobProgress,
} from '../../../lib/content/import-jobs'
import { IMPORT_HEARTBEAT_MS } from '../../../lib/content/limits'
import { asUser } from '../../../lib/db/tx'
import { ApiError } from '../../../lib/errors'
import type { BackendEnv } from '../env'
import { serviceJson } from './service-json'

/**
 * Runs an import job after its 202: media into the bucket first (through the AI role, as uploads), then every
 * deck, note, card and review in one transaction that also marks the job done. On any failure the job is
 * failed and the media it uploaded are deleted, so a failed job leaves nothing but its row.
 */
export async function runImportJob<E extends BackendEnv>(
  c: Context<E>,
  userId: string,
  jobId: string,
  plan: Plan,
  pkg: AnkiPackage,
) {
  const { db } = c.var
  const progress = (step: ImportStep, done: number, total: number, mediaKeys?: string[]) =>
    asUser(db, userId, (sql) => jobProgress(sql, jobId, { step, done, total, mediaKeys }))
  // Beats on its own connection, also while the transaction runs (that never waits for a beat).
  const beat = setInterval(
    () => void asUser(db, userId, (sql) => jobHeartbeat(sql, jobId)).catch(() => {}),
    IMPORT_HEARTBEAT_MS,
  )
  try {
    const now = new Date(c.var.now())
    const mediaKeys = new Map<string, string>()
    for (const [i, name] of plan.media.entries()) {
      const bytes = pkg.media(name)
      if (!bytes) continue
      const stored = (await serviceJson(c, 'ai', '/ai/media', {
        method: 'POST',
        bytes,
        timeoutMs: 30_000,
      })) as {
        key: string
      }
      mediaKeys.set(name, stored.key)
      await progress('media', i + 1, plan.media.length, [stored.key])
    }
    // No progress inside the transaction: a second connection there would wait forever on an embedded
    // database (PGlite has one session), and what the transaction has written is invisible until its end.
    await progress('memory', 0, plan.summary.totals.cards)
    const rows = importRows(plan, { mediaKeys, now })
    await progress('commit', 0, 1)
    await asUser(db, userId, async (sql) => {
      await commitImport(sql, rows, now)
      await finishJob(sql, jobId, plan.summary)
    })
  } catch (e) {
    c.var.log.warn('anki import failed', { jobId, error: String(e) })
    const error =
      e instanceof ApiError
        ? { code: e.code, message: e.message }
        : { code: 'INTERNAL', message: 'The import failed; nothing was imported' }
    const keys = await asUser(db, userId, (sql) => failJob(sql, jobId, error))
    if (keys.length)
      await serviceJson(c, 'ai', '/internal/media/erase', { body: { keys }, timeoutMs: 60_000 })
  } finally {
    clearInterval(beat)
  }
}

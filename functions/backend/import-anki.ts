import { Hono } from 'hono'
import { z } from 'zod'
import { openCollection } from '../../lib/anki/collection'
import { planImport } from '../../lib/anki/map'
import { openPackage } from '../../lib/anki/package'
import { readUpload } from '../../lib/anki/upload'
import { makeDeckRoom } from '../../lib/content/decks'
import { createJob } from '../../lib/content/import-jobs'
import { asUser } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import { runImportJob } from './_lib/anki-job'
import { admitImport } from './_lib/import-admission'
import type { BackendEnv } from './env'

export const Query = z.object({
  dryRun: z.enum(['true', 'false']).default('false'),
  name: z.string().trim().min(1).max(200).optional(),
})

/**
 * Imports an Anki package (.apkg/.colpkg, the body's bytes): the body streams in under ANKI_IMPORT_MAX_BYTES,
 * the package is checked and read through before anything is stored. `dryRun=true` answers what would be
 * imported and every skipped item; otherwise a job (202) imports it, which GET /api/imports/:id follows.
 * One import per learner at a time, and ANKI_IMPORT_CONCURRENCY per process (_lib/import-admission.ts).
 */
export default new Hono<BackendEnv>().post(
  '/api/imports/anki',
  requireUser(),
  rateLimit('standard'),
  validate('query', Query),
  async (c) => {
    const open = c.var.openSqlite
    if (!open)
      throw new ApiError(
        'UNAVAILABLE',
        'Anki import runs only on the Node backend; try again later',
      )
    const { dryRun, name } = c.req.valid('query')
    const uid = c.var.user.id
    return admitImport(uid, c.var.config.ANKI_IMPORT_CONCURRENCY, async (holdFor) => {
      const pkg = await openPackage(await readUpload(c.req.raw, c.var.config.ANKI_IMPORT_MAX_BYTES))
      const col = await openCollection(open, await pkg.collection())
      let closeHere = true // until the job takes the collection over (it reads the notes again, then closes it)
      try {
        const plan = await planImport(col, pkg, c.var.config, c.var.now())
        const decks = plan.summary.decks.length
        await asUser(c.var.db, uid, (sql) =>
          makeDeckRoom(sql, decks, c.var.config.CONTENT_MAX_DECKS),
        )
        if (dryRun === 'true') return c.json({ summary: plan.summary })
        const job = await asUser(c.var.db, uid, (sql) => createJob(sql, name ?? null, plan.summary))
        closeHere = false
        const work = runImportJob(c, uid, job.id, plan, pkg, col)
        holdFor(job.id, work)
        try {
          c.executionCtx.waitUntil(work) // workerd: keep the request's isolate until the job ends
        } catch {
          // Node has no execution context: the promise runs on by itself.
        }
        return c.json({ job }, 202)
      } finally {
        if (closeHere) col.close()
      }
    })
  },
)

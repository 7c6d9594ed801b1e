import type { Summary } from '../anki/map'
import type { Sql } from '../db/db'
import { IMPORT_HEARTBEAT_MS } from './limits'

export type ImportStep = 'media' | 'commit'
type JobRow = {
  id: string
  name: string | null
  state: 'running' | 'done' | 'failed'
  step: ImportStep | null
  done: number
  total: number
  summary: Summary
  error: { code: string; message: string } | null
  created_at: Date
  finished_at: Date | null
}
export type Job = ReturnType<typeof toJob>
const toJob = (r: JobRow) => ({
  id: r.id,
  name: r.name,
  state: r.state,
  step: r.state === 'running' ? r.step : null,
  done: r.done,
  total: r.total,
  summary: r.summary,
  error: r.error,
  createdAt: r.created_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
})

export async function createJob(sql: Sql, name: string | null, summary: Summary) {
  const [row] = await sql<JobRow>(
    `insert into content.import_jobs (name, summary) values ($1, $2) returning *`,
    [name, JSON.stringify(summary)],
  )
  return toJob(row)
}

// A job whose process died stops beating; three missed beats make it failed, whoever reads it next.
const FAIL_STALE = `update content.import_jobs set state = 'failed', finished_at = now(),
  error = '{"code":"INTERRUPTED","message":"The import stopped before it finished; nothing was imported. Try again."}'
  where state = 'running' and heartbeat_at < now() - $1 * interval '1 millisecond'`

export async function getJob(sql: Sql, id: string) {
  await sql(`${FAIL_STALE} and id = $2`, [3 * IMPORT_HEARTBEAT_MS, id])
  const [row] = await sql<JobRow>(`select * from content.import_jobs where id = $1`, [id])
  return row ? toJob(row) : null
}

/** The learner's 10 newest jobs, newest first. */
export async function listJobs(sql: Sql) {
  await sql(FAIL_STALE, [3 * IMPORT_HEARTBEAT_MS])
  const rows = await sql<JobRow>(
    `select * from content.import_jobs order by created_at desc, id limit 10`,
  )
  return rows.map(toJob)
}

/** Where a running job is (and a heartbeat); media keys it uploaded are added, to delete if it fails. */
export async function jobProgress(
  sql: Sql,
  id: string,
  p: { step: ImportStep; done: number; total: number; mediaKeys?: string[] },
) {
  await sql(
    `update content.import_jobs set step = $2, done = $3, total = $4, heartbeat_at = now(),
       media_keys = media_keys || $5::text[] where id = $1 and state = 'running'`,
    [id, p.step, p.done, p.total, p.mediaKeys ?? []],
  )
}

/** A running job's sign of life (lib/content/limits.ts: IMPORT_HEARTBEAT_MS). */
export async function jobHeartbeat(sql: Sql, id: string) {
  await sql(
    `update content.import_jobs set heartbeat_at = now() where id = $1 and state = 'running'`,
    [id],
  )
}

export async function finishJob(sql: Sql, id: string, summary: Summary) {
  await sql(
    `update content.import_jobs set state = 'done', summary = $2, finished_at = now() where id = $1`,
    [id, JSON.stringify(summary)],
  )
}

/** Marks the job failed; answers the media keys it had uploaded (now unreferenced, to delete). */
export async function failJob(sql: Sql, id: string, error: { code: string; message: string }) {
  const [row] = await sql<{ media_keys: string[] }>(
    `update content.import_jobs set state = 'failed', error = $2, finished_at = now(), media_keys = '{}'
     where id = $1 returning (select media_keys from content.import_jobs where id = $1)`,
    [id, JSON.stringify(error)],
  )
  return row?.media_keys ?? []
}

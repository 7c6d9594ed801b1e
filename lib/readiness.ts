import type { Deps } from './app'
import type { Db } from './db/db'

const TIMEOUT_MS = 2000

type Check = () => Promise<unknown>
export type Readiness = { ready: boolean; degraded: boolean; checks: Record<string, 'up' | 'down'> }

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, no) => setTimeout(() => no(new Error(`no answer in ${ms} ms`)), ms)),
  ])

/** The newest migration must be applied: code never serves a schema older than it was written for. */
async function schemaAt(db: Db, version: string) {
  const [row] = await db.query<{ applied: boolean }>(
    'select exists (select from public.schema_migrations where name = $1) as applied',
    [version],
  )
  if (!row.applied) throw new Error(`migration ${version} not applied yet`)
}

/**
 * What a role needs to serve its routes (required: the database, its schema at the version the code expects,
 * the AI role's bucket), and what it fails open on (`deps.checks`, the backend's Redis): those show in the
 * answer and in `dependency_up`, but never make the role unready, since every instance would go unready at once
 * while they could still serve.
 */
export function readinessOf(deps: Deps) {
  const required: Record<string, Check> = {}
  const { db, schemaVersion, s3, kv } = deps
  if (db) required.db = () => db.ping()
  if (db && schemaVersion) required.migrations = () => schemaAt(db, schemaVersion)
  if (s3) required.s3 = () => s3.ping()
  const failOpen: Record<string, Check> = { ...deps.checks }
  if (kv) failOpen.kv = () => kv.ping()
  const all = { ...required, ...failOpen }
  let last = ''

  return async function check(): Promise<Readiness> {
    const names = Object.keys(all)
    const results = await Promise.allSettled(names.map((n) => within(all[n](), TIMEOUT_MS)))
    const checks = Object.fromEntries(
      names.map((n, i) => [n, results[i].status === 'fulfilled' ? 'up' : 'down']),
    ) as Readiness['checks']
    const down = names.filter((n) => checks[n] === 'down')
    const ready = !down.some((n) => n in required)
    // Logged when the state changes (probes come every few seconds), with the cause the answer leaves out.
    const state = JSON.stringify(checks)
    if (state !== last) {
      last = state
      const errors = Object.fromEntries(
        names.flatMap((n, i) =>
          results[i].status === 'rejected'
            ? [[n, String(results[i].reason?.message ?? results[i])]]
            : [],
        ),
      )
      if (down.length)
        deps.log[ready ? 'warn' : 'error'](ready ? 'degraded' : 'not ready', { checks, errors })
      else deps.log.info('ready', { checks })
    }
    return { ready, degraded: down.length > 0, checks }
  }
}

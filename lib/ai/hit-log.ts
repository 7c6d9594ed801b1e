import type { Db } from '../db/db'
import { serviceStatement } from '../db/tx'

/** A cache hit as ai.requests logs it (what it was charged, when), and the answer it counts on. */
export type Hit = {
  key: string
  userId: string
  operation: string
  plugin: string
  model: string
  cost: number
  latencyMs: number
  requestId: string | null
  at: Date
}

type Batch = { hits: Hit[]; written: Promise<void> }
/** Per pool: the batch still taking hits, and the last write (done or under way). */
const open = new WeakMap<Db, Batch>()
const writing = new WeakMap<Db, Promise<void>>()
/** A batch takes hits for this long from its first (or up to this many), then is written in one statement. */
const GATHER_MS = 50
const GATHER_MAX = 500

/**
 * Counts a cache hit on its answer and logs it in ai.requests, after the hit was answered: the hits of the
 * next GATHER_MS go with it in one write, one statement for them all, after the write before it. Resolves
 * once this hit is written; close() of the pool waits for it. A failed write rejects for the batch's first
 * hit only, naming how many it lost, so a database outage logs a line per batch, not one per hit. A crash may
 * lose the hits not yet written: counts and log lines, never money (what a hit costs is settled by credit
 * from its X-Cost-Micros).
 */
export function logHit(db: Db, hit: Hit): Promise<void> {
  const batch = open.get(db)
  if (batch && batch.hits.length < GATHER_MAX) {
    batch.hits.push(hit)
    return batch.written.catch(() => {}) // its first hit reports the failure
  }
  const hits = [hit]
  const gathered = new Promise((ok) => setTimeout(ok, GATHER_MS))
  const written = Promise.all([gathered, writing.get(db)]).then(() => {
    if (open.get(db)?.hits === hits) open.delete(db) // hits from now on go in the next batch
    return writeHits(db, hits).catch((err: Error) => {
      throw new Error(`${hits.length} AI cache hits were not counted nor logged: ${err.message}`, {
        cause: err,
      })
    })
  })
  open.set(db, { hits, written })
  writing.set(
    db,
    written.catch(() => {}), // the next batch goes on; the callers report this one's failure
  )
  db.track(written)
  return written
}

// One statement (one round trip where the pool logs in as the AI role); its commit does not wait for the
// disk (set_config local to its transaction, read when it commits): a crash may lose it, nothing else.
const writeHits = (db: Db, hits: Hit[]) =>
  serviceStatement(db)(
    `with counted as (
       update ai.cache c set hits = c.hits + n.n
         from (select key, count(*) as n from unnest($1::text[]) as key group by key) n
        where c.key = n.key
     )
     insert into ai.requests (user_id, operation, plugin, model, cache_hit, cost, latency_ms, outcome, request_id, created_at)
     select u, o, p, m, true, c, l, 'ok', r, a
       from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::text[], $9::timestamptz[])
         as t(u, o, p, m, c, l, r, a)
      where set_config('synchronous_commit', 'off', true) = 'off'`,
    [
      hits.map((h) => h.key),
      hits.map((h) => h.userId),
      hits.map((h) => h.operation),
      hits.map((h) => h.plugin),
      hits.map((h) => h.model),
      hits.map((h) => h.cost),
      hits.map((h) => h.latencyMs),
      hits.map((h) => h.requestId),
      hits.map((h) => h.at),
    ],
  ).then(() => undefined)

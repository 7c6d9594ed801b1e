import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Deps, RoleDeps } from '../app'
import { type Env, loadConfig, type Role } from '../config'
import type { Kv } from '../kv'
import { dbRoleOf, portableDeps } from '../deps'
import { createLogger } from '../log'
import { createPgDb, withPassword } from './db'
import { createKv } from './kv'
import { createMailer } from './mail'
import type { Optimiser } from '../content/fsrs-weights'
import { createNodeMetrics } from './metrics'
import { picoSpeaker } from './pico'
import { openSqlite, writeSqlite } from './sqlite'
import { poolSend, poolUpstream } from './upstream'
import type { Upstream } from '../upstream'

/** A role's dependencies on Node, from its environment. `kv` lets roles in one process share a store. */
export function nodeDeps<R extends Role>(role: R, env: Env, shared: { kv?: Kv } = {}): RoleDeps<R> {
  const config = loadConfig(role, env)
  const log = createLogger(role, config.LOG_LEVEL)
  const deps: Deps = {
    config,
    log,
    peerAddress: (c: Context) => getConnInfo(c).remote.address,
    metrics: createNodeMetrics(role),
    ...portableDeps(role, config, undefined, poolSend()),
  }
  if ('DATABASE_URL' in config)
    deps.db = createPgDb(
      withPassword(config.DATABASE_URL, config.DATABASE_PASSWORD),
      dbRoleOf(role as Exclude<Role, 'frontend'>),
      config.DB_POOL_MAX,
    )
  if ('REDIS_URL' in config && !deps.kv)
    deps.kv =
      shared.kv ??
      createKv(
        config.REDIS_URL.startsWith('memory:') ? undefined : config.REDIS_URL,
        log,
        config.REDIS_PASSWORD,
      )
  if (role === 'ai') (deps as Deps & { speaker?: unknown }).speaker = picoSpeaker()
  // The native FSRS binding loads on the first fit, so a backend whose image lacks it still serves the rest.
  const optimiser: Optimiser = {
    fit: async (histories) => (await import('./fsrs-optimiser')).fsrsOptimiser.fit(histories),
  }
  if (role === 'backend') Object.assign(deps, { optimiser, openSqlite, writeSqlite })
  if ('BACKEND_URL' in config)
    (deps as Deps & { backend?: Upstream }).backend = poolUpstream(config.BACKEND_URL)
  if ('SMTP_URL' in config && !deps.mailer)
    deps.mailer = createMailer(config.SMTP_URL, config.MAIL_FROM, log)
  return deps as RoleDeps<R>
}

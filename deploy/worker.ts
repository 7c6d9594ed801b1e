import pg from 'pg'
import type { RoleApp, RoleFactory, RoleTask } from './roles'
import type { Deps } from '../lib/app'
import { loadConfig, type Role } from '../lib/config'
import { createDb, type DbRole } from '../lib/db/db'
import { dbRoleOf, portableDeps } from '../lib/deps'
import { createLogger } from '../lib/log'
import type { Fetcher } from '../lib/services'
import { fetchUpstream, type Upstream } from '../lib/upstream'

/** Worker bindings: string vars for the config, Service Bindings for the other roles and the assets. */
export type WorkerEnv = Record<string, unknown> & {
  ASSETS?: Fetcher
  AUTH?: Fetcher
  CREDIT?: Fetcher
  AI?: Fetcher
}

// workerd ties sockets to the request that opened them: one client per transaction, closed after it.
const perRequestDb = (url: string, role: DbRole) =>
  createDb({
    role,
    connect: async () => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      return {
        query: (text, params) => client.query(text, params),
        release: () => void client.end(),
      }
    },
  })

function workerDeps(role: Role, env: WorkerEnv): Deps & { assets?: Fetcher; backend?: Upstream } {
  const vars = Object.fromEntries(
    Object.entries(env).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>
  const config = loadConfig(role, vars)
  const deps: Deps & { assets?: Fetcher; backend?: Upstream } = {
    config,
    log: createLogger(role, config.LOG_LEVEL),
    peerAddress: (c) => c.req.header('cf-connecting-ip'),
    assets: env.ASSETS,
    ...portableDeps(role, config, { auth: env.AUTH, credit: env.CREDIT, ai: env.AI }),
  }
  if ('BACKEND_URL' in config) deps.backend = fetchUpstream(config.BACKEND_URL)
  if ('DATABASE_URL' in config)
    deps.db = perRequestDb(config.DATABASE_URL, dbRoleOf(role as Exclude<Role, 'frontend'>))
  return deps
}

/**
 * A role as a workerd module worker; the app is built once per isolate from its bindings. `scheduled` is the
 * role's work on its cron trigger (wrangler.toml), with the same deps.
 */
export function workerEntry(role: Role, create: RoleFactory, scheduled?: RoleTask) {
  let deps: ReturnType<typeof workerDeps> | undefined
  let app: RoleApp | undefined
  return {
    fetch(req: Request, env: WorkerEnv, ctx: unknown) {
      app ??= create((deps ??= workerDeps(role, env)))
      return app.fetch(req, env, ctx as never)
    },
    ...(scheduled && {
      scheduled(_event: unknown, env: WorkerEnv, ctx: { waitUntil(p: Promise<unknown>): void }) {
        ctx.waitUntil(scheduled((deps ??= workerDeps(role, env))))
      },
    }),
  }
}

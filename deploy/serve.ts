import type { Server } from 'node:http'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Deps } from '../lib/app'
import { type Config, ConfigError, type Env, type Role } from '../lib/config'
import { startFsrsRefits } from '../lib/content/fsrs-refits'
import type { Optimiser } from '../lib/content/fsrs-weights'
import { startRoleOutbox } from '../lib/credit/role-outbox'
import { startSweeper } from '../lib/credit/sweeper'
import type { Kv } from '../lib/kv'
import { staticAssets } from '../lib/node/assets'
import { newestBackupAt } from '../lib/db/backups'
import { withPassword } from '../lib/node/db'
import { nodeDeps } from '../lib/node/deps'
import { redirectToHttps, reloadOnChange, tlsOptions } from '../lib/node/tls'
import { ensurePartitions, loadMigrations, migrateWith } from '../lib/node/migrations'
import { ensureBucket } from '../lib/s3'
import type { RoleApp, RoleFactory } from './roles'
import type { Fetcher } from '../lib/services'
import type { Upstream } from '../lib/upstream'

export type RoleServer = {
  role: Role
  url: string
  redirectUrl?: string
  close(): Promise<void>
  /** The app and its configuration, when it runs in this process (tests read its routes). */
  app?: RoleApp
  config?: Config
}

/** Starts one role as an HTTP server on Node with deps built from `env`. */
export async function startRole(
  role: Role,
  create: RoleFactory,
  o: { env: Env; migrationsDir: URL | string; assetsDir: string; kv?: Kv },
): Promise<RoleServer> {
  const deps: Deps & { assets?: Fetcher; backend?: Upstream } = nodeDeps(role, o.env, { kv: o.kv })
  const { config, log } = deps
  let partitionTimer: ReturnType<typeof setInterval> | undefined
  if ('MIGRATION_DATABASE_URL' in config && config.MIGRATION_DATABASE_URL) {
    const owner = withPassword(config.MIGRATION_DATABASE_URL, config.MIGRATION_DATABASE_PASSWORD)
    const applied = await migrateWith(owner, o.migrationsDir)
    if (applied.length) log.info('migrations applied', { applied })
    // Daily too, so a role that runs for a year without a restart still keeps a year of months ahead.
    partitionTimer = setInterval(() => {
      ensurePartitions(owner).then(
        (made) => made && log.info('partitions made', { made }),
        (err: Error) => log.error('partitions not made', { error: err.message }),
      )
    }, 86_400_000).unref()
  }
  if (deps.db) {
    const db = deps.db
    deps.schemaVersion = (await loadMigrations(o.migrationsDir)).at(-1)?.name
    deps.metrics?.gauge('backup_last_success_timestamp_seconds', async () => [
      { value: await newestBackupAt(db.query) },
    ])
  }
  if (deps.s3) {
    const versioning = await ensureBucket(deps.s3)
    if (versioning !== 'enabled')
      log.warn('bucket versioning not set', { bucket: deps.s3.bucket, reason: versioning })
  }
  if (role === 'frontend') deps.assets = staticAssets(o.assetsDir)
  // Every credit instance sweeps: expired holds are freed within an interval, whoever is busy.
  const stopSweeper =
    role === 'credit' ? startSweeper(deps as Parameters<typeof startSweeper>[0]) : undefined
  // And delivers plan changes to auth from its outbox, retrying while auth is down (lib/credit/role-outbox.ts).
  const stopOutbox =
    role === 'credit' && deps.db && deps.services
      ? startRoleOutbox({
          ...deps,
          db: deps.db,
          services: deps.services,
          now: deps.now ?? Date.now,
        })
      : undefined
  // Every backend instance refits the FSRS weights of learners who are due (lib/content/fsrs-refits.ts).
  const optimiser = (deps as { optimiser?: Optimiser }).optimiser
  const stopRefits =
    role === 'backend' && deps.db && optimiser
      ? startFsrsRefits({
          ...deps,
          db: deps.db,
          optimiser,
          config: config as Parameters<typeof startFsrsRefits>[0]['config'],
        })
      : undefined
  const app = create(deps)
  // The public edge may serve HTTPS itself (certificate files in config), with a plain-HTTP port that redirects.
  const tls =
    'TLS_CERT_FILE' in config && config.TLS_CERT_FILE && config.TLS_KEY_FILE // the config wants both or none
      ? { cert: config.TLS_CERT_FILE, key: config.TLS_KEY_FILE }
      : undefined
  const server = await new Promise<ReturnType<typeof serve>>((ok, fail) => {
    const https = tls && { createServer: createHttpsServer, serverOptions: tlsOptions(tls) }
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST, ...https }, () =>
      ok(s),
    )
    s.once('error', fail)
  })
  const stopReloading = tls && reloadOnChange(server as HttpsServer, tls, log)
  const redirect =
    tls && 'HTTP_REDIRECT_PORT' in config && config.HTTP_REDIRECT_PORT !== undefined
      ? await redirectToHttps({
          host: config.HOST,
          port: config.HTTP_REDIRECT_PORT,
          httpsPort: config.PUBLIC_HTTPS_PORT,
        })
      : undefined
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  const url = `${tls ? 'https' : 'http'}://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`
  return {
    role,
    url,
    app,
    config,
    /** The plain-HTTP redirect's address, when there is one. */
    redirectUrl: redirect && `http://${config.HOST}:${(redirect.address() as AddressInfo).port}`,
    // Once, however often asked (a test may stop a role before its harness stops them all).
    close: () =>
      (closing ??= (async () => {
        clearInterval(partitionTimer)
        stopSweeper?.()
        await stopOutbox?.()
        await stopRefits?.()
        stopReloading?.()
        redirect?.close()
        const closed = new Promise<void>((ok) => server.close(() => ok()))
        ;(server as Server).closeIdleConnections() // idle keep-alive sockets would hold close() for seconds
        await closed
        await deps.db?.close()
        await deps.backend?.close()
        if (!o.kv) await deps.kv?.close()
      })()),
  }
}

/** A bad configuration stops start-up with the message naming the keys, and no stack trace. */
export function exitOnConfigError(err: unknown): never {
  if (!(err instanceof ConfigError)) throw err
  console.error(err.message)
  process.exit(1)
}

/** A container's entry: one role against real services, stopped cleanly on SIGTERM/SIGINT. */
export async function runRole(
  role: Role,
  create: RoleFactory,
  o: { migrationsDir: URL | string; assetsDir: string },
) {
  const server = await startRole(role, create, { env: process.env, ...o }).catch(exitOnConfigError)
  console.log(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'info',
      role,
      msg: 'listening',
      url: server.url,
    }),
  )
  // One readiness check at once, so a role that cannot serve says why in its log ('not ready' and the cause)
  // even where nothing probes /readyz (compose's health check is liveness only).
  void fetch(new URL('/readyz', server.url)).catch(() => {})
  let stopping: Promise<void> | null = null
  const stop = () => void (stopping ??= server.close().then(() => process.exit(0)))
  process.on('SIGTERM', stop) // a repeated signal must not kill it mid-shutdown
  process.on('SIGINT', stop)
}

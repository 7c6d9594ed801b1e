import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ROLES, ServiceRole } from '../lib/config'
import { withPassword } from '../lib/node/db'
import { createKv } from '../lib/node/kv'
import { startEmbedded } from '../lib/node/embedded'
import { MIGRATIONS_DIR, migrateWith } from '../lib/node/migrations'
import { localSecrets } from '../lib/node/secrets'
import { ROLE_APPS } from './roles'
import { exitOnConfigError, runRole, startRole } from './serve'
import { buildSpaIfNeeded, WEB_DIST } from './spa'

const ROOT = resolve(import.meta.dirname, '..')
const paths = { migrationsDir: MIGRATIONS_DIR, assetsDir: WEB_DIST }

/** The whole platform on one machine, each role its own HTTP server on loopback. */
async function startAll() {
  const started = performance.now()
  const dataDir = resolve(process.env.DATA_DIR ?? join(ROOT, '.data'))
  await mkdir(dataDir, { recursive: true })
  await buildSpaIfNeeded()
  const { PORT: _ignored, ...userEnv } = process.env // each role listens on its own default port
  const embedded = await startEmbedded(dataDir, userEnv)
  const env = { ...embedded.env, ...(await localSecrets(dataDir)), ...userEnv }
  env.MIGRATION_DATABASE_URL ??= env.DATABASE_URL
  const kv = createKv(
    env.REDIS_URL?.startsWith('memory:') ? undefined : env.REDIS_URL,
    undefined,
    env.REDIS_PASSWORD,
  )
  // Once, before the roles start: on embedded PGlite every connection waits for the one migrating, so four
  // roles migrating at once could each time out connecting while the first applies every migration.
  const owner = env.MIGRATION_DATABASE_URL
  if (owner) await migrateWith(withPassword(owner, env.MIGRATION_DATABASE_PASSWORD), MIGRATIONS_DIR)
  const servers = await Promise.all(
    ROLES.map((r) => startRole(r, ROLE_APPS[r], { env, kv, ...paths })),
  )
  for (const s of servers) console.log(`  ${s.role.padEnd(9)} ${s.url}`)
  const ms = Math.round(performance.now() - started)
  console.log(`\nLingudesk is up in ${ms} ms: open ${servers[0].url}  (Ctrl-C stops it)`)

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await Promise.all(servers.map((s) => s.close()))
    await kv.close()
    await embedded.stop()
    console.log('Lingudesk stopped')
    process.exit(0)
  }
  // `on`, not `once`: Ctrl-C reaches this process more than once (the terminal's group signal, and npm and
  // tsx relaying theirs), and a second SIGINT without a handler would kill it mid-shutdown.
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

const { values } = parseArgs({ options: { role: { type: 'string' } } })
const only = values.role ?? process.env.ROLE
if (only) {
  const role = ServiceRole.safeParse(only)
  if (!role.success) {
    console.error(`Unknown role "${only}": choose one of ${ROLES.join(', ')}`)
    process.exit(1)
  }
  await runRole(role.data, ROLE_APPS[role.data], paths)
} else {
  await startAll().catch(exitOnConfigError)
}

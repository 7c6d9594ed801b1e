import { withPassword } from '../../lib/node/db'
import { migrateWith } from '../../lib/node/migrations'

/**
 * The migrate job (dist/migrate.mjs, run by the ops image): applies pending migrations and tops up the monthly
 * partitions with the owner's credentials (MIGRATION_DATABASE_URL, MIGRATION_DATABASE_PASSWORD), then exits.
 * The roles never need the owner's password: their /readyz waits until this has run.
 */
export async function migrateJob(migrationsDir: URL | string) {
  const url = process.env.MIGRATION_DATABASE_URL
  if (!url) {
    console.error(
      'MIGRATION_DATABASE_URL (the owner) is required; its password in MIGRATION_DATABASE_PASSWORD',
    )
    process.exit(2)
  }
  const applied = await migrateWith(
    withPassword(url, process.env.MIGRATION_DATABASE_PASSWORD),
    migrationsDir,
  )
  console.log(
    JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'migrated', applied }),
  )
}

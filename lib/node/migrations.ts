import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Db } from '../db/db'
import { type Migration, migrate } from '../db/migrate'
import { createPgDb } from './db'

export const MIGRATIONS_DIR = new URL('../db/migrations/', import.meta.url)

export async function loadMigrations(dir: URL | string = MIGRATIONS_DIR): Promise<Migration[]> {
  const path = dir instanceof URL ? dir.pathname : dir
  const names = (await readdir(path)).filter((n) => /^\d{4}_[\w-]+\.sql$/.test(n)).sort()
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(join(path, name), 'utf8') })),
  )
}

/** Applies pending migrations with owner credentials and tops up the partitions, then lets go of the connection. */
export async function migrateWith(url: string, dir: URL | string = MIGRATIONS_DIR) {
  const owner = createPgDb(url, 'lingudesk_backend', 1) // the role name is unused: migrate() runs as owner
  try {
    const applied = await migrate(owner, await loadMigrations(dir))
    await topUpPartitions(owner)
    return applied
  } finally {
    await owner.close()
  }
}

/** Makes the monthly partitions of the next 12 months that do not exist yet; answers how many. */
async function topUpPartitions(owner: Db) {
  const [{ made }] = await owner.query<{ made: number }>(
    'select public.ensure_partitions() as made',
  )
  return made
}

/** The daily top-up of the partitions, with owner credentials. */
export async function ensurePartitions(url: string) {
  const owner = createPgDb(url, 'lingudesk_backend', 1)
  try {
    return await topUpPartitions(owner)
  } finally {
    await owner.close()
  }
}

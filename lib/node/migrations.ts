import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Migration } from '../db/migrate'

export const MIGRATIONS_DIR = new URL('../db/migrations/', import.meta.url)

export async function loadMigrations(dir: URL | string = MIGRATIONS_DIR): Promise<Migration[]> {
  const path = dir instanceof URL ? dir.pathname : dir
  const names = (await readdir(path)).filter((n) => /^\d{4}_[\w-]+\.sql$/.test(n)).sort()
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(path, name), 'utf8') })))
}

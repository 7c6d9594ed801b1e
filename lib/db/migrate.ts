import type { Db } from './db'

export type Migration = { name: string; sql: string }

const LOCK_KEY = 7302114233 // any constant shared by every role that migrates

const sha256 = async (text: string) =>
  Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))))
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')

/**
 * Applies pending migrations in name order, all in one transaction under an advisory lock, so two roles
 * starting at once apply each migration exactly once. Refuses to run if an applied file was edited.
 */
export async function migrate(db: Db, migrations: Migration[]): Promise<string[]> {
  const ordered = [...migrations].sort((a, b) => a.name.localeCompare(b.name))
  const sums = await Promise.all(ordered.map((m) => sha256(m.sql)))
  return db.transaction(async (sql) => {
    await sql('select pg_advisory_xact_lock($1)', [LOCK_KEY])
    await sql(`create table if not exists public.schema_migrations (
      name text primary key, checksum text not null, applied_at timestamptz not null default now())`)
    const rows = await sql<{ name: string; checksum: string }>(
      'select name, checksum from public.schema_migrations',
    )
    const done = new Map(rows.map((r) => [r.name, r.checksum]))
    const applied: string[] = []
    for (const [i, m] of ordered.entries()) {
      const known = done.get(m.name)
      if (known && known !== sums[i])
        throw new Error(`Migration ${m.name} changed after it was applied`)
      if (known) continue
      await sql(m.sql)
      await sql('insert into public.schema_migrations (name, checksum) values ($1, $2)', [
        m.name,
        sums[i],
      ])
      applied.push(m.name)
    }
    return applied
  })
}

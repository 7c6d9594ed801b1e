import type { Sql } from './db'

/** Records a backup that reached its destination (run with the owner's credentials). */
export async function recordBackup(sql: Sql, name: string, bytes: number) {
  await sql(
    'insert into public.backups (name, bytes) values ($1, $2) on conflict (name) do nothing',
    [name, bytes],
  )
}

/** When the newest backup finished, in seconds since the epoch; 0 when there has been none. */
export async function newestBackupAt(sql: Sql) {
  const [row] = await sql<{ at: number | null }>(
    'select extract(epoch from max(finished_at))::float8 as at from public.backups',
  )
  return row.at ?? 0
}

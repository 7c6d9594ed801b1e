// The backup job, built into dist/backup.mjs (the ops image runs it: no repository, no tsx):
//   node backup.mjs --to /var/backups/lingudesk [--keep 14] [--every 24h]
//   node backup.mjs --to s3://backups/lingudesk [--keep 14] [--every 24h]   (S3_ENDPOINT, S3_ACCESS_KEY_ID, …)
// DATABASE_URL (or --db) must be the owner's, DATABASE_PASSWORD its password: the dump holds every schema, RLS
// policy and grant.
import { parseArgs } from 'node:util'
import { backup } from './dumps'

const durationMs = (s: string) => {
  const m = /^(\d+)(m|h|d)$/.exec(s)
  if (!m) throw new Error(`--every takes a duration like 30m, 24h or 1d, not ${s}`)
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd']
}

const { values } = parseArgs({
  options: {
    to: { type: 'string' },
    keep: { type: 'string', default: '14' },
    db: { type: 'string' },
    every: { type: 'string' },
  },
})
const db = values.db ?? process.env.DATABASE_URL
const { to } = values
if (!to || !db) {
  console.error(
    'usage: node backup.mjs --to <folder | s3://bucket/prefix> [--keep N] [--every 24h] [--db URL]  (or DATABASE_URL; DATABASE_PASSWORD)',
  )
  process.exit(2)
}
const once = async () => {
  const name = await backup({
    db,
    password: process.env.DATABASE_PASSWORD,
    to,
    keep: Number(values.keep),
  })
  console.log(
    JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'backup written', name }),
  )
}
await once()
// A schedule of its own for compose, which has no cron (k8s runs it as a CronJob instead). A failed run is
// logged and retried at the next turn; BackupTooOld pages when none succeeded for 48 hours.
if (values.every) {
  const every = durationMs(values.every)
  setInterval(
    () =>
      once().catch((err: Error) =>
        console.error(
          JSON.stringify({
            time: new Date().toISOString(),
            level: 'error',
            msg: 'backup failed',
            error: err.message,
          }),
        ),
      ),
    every,
  )
}

// Backups of the Lingudesk database to a folder or an S3/MinIO bucket, with retention, and their restore (the
// command lines are backup.ts and restore.ts). Each backup is two files: <name>.dump (pg_dump, custom format) and <name>.roles.sql (the
// lingudesk_* roles, their memberships and settings, which a fresh server needs before the dump restores).
import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import pg from 'pg'
import { recordBackup } from '../../lib/db/backups'
import { ensureVersioning } from '../../lib/s3'

/** Runs a PostgreSQL client tool; the password goes in PGPASSWORD, never into a URL or the process list. */
export function pgTool(
  tool: 'pg_dump' | 'pg_dumpall' | 'pg_restore',
  args: string[],
  password?: string,
) {
  return new Promise<string>((ok, fail) => {
    const env = password ? { ...process.env, PGPASSWORD: password } : process.env
    const p = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
    let out = ''
    let err = ''
    p.stdout.on('data', (d) => (out += d))
    p.stderr.on('data', (d) => (err += d))
    p.once('exit', (code) =>
      code === 0 ? ok(out) : fail(new Error(`${tool} exited with ${code}: ${err.trim()}`)),
    )
  })
}

export const s3FromEnv = () =>
  new S3Client({
    endpoint: process.env.S3_ENDPOINT,
    region: process.env.S3_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: process.env.S3_ACCESS_KEY_ID ?? '',
      secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? '',
    },
    // A streamed body would otherwise go out aws-chunked with a checksum trailer, which not every S3 server reads.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  })

export const parseS3 = (url: string) => {
  const u = new URL(url)
  return { bucket: u.hostname, prefix: u.pathname.replace(/^\/|\/$/g, '') }
}

/** The cluster's lingudesk_* roles as SQL: attributes, settings (statement_timeout) and memberships. */
async function rolesSql(db: string, password?: string) {
  const all = await pgTool(
    'pg_dumpall',
    ['--roles-only', '--no-role-passwords', `--dbname=${db}`],
    password,
  )
  return all
    .split('\n')
    .filter((l) =>
      /^(CREATE|ALTER) ROLE lingudesk_\w+|^GRANT lingudesk_\w+ TO lingudesk_\w+/.test(l),
    )
    .map((l) => l.replace(/ GRANTED BY \w+/, '')) // the grantor may not exist on the server restored into
    .join('\n')
}

/** Dumps the database and its roles, stores them as lingudesk-<UTC time>.*, keeps the newest `keep`. */
export async function backup(o: {
  db: string
  password?: string
  to: string
  keep: number
  now?: Date
}) {
  const name = `lingudesk-${(o.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`
  const work = await mkdtemp(join(tmpdir(), 'lingudesk-backup-'))
  try {
    const files = { dump: join(work, `${name}.dump`), roles: join(work, `${name}.roles.sql`) }
    await pgTool(
      'pg_dump',
      ['--format=custom', '--compress=6', `--file=${files.dump}`, o.db],
      o.password,
    )
    await writeFile(files.roles, await rolesSql(o.db, o.password))
    if (o.to.startsWith('s3://')) {
      const { bucket, prefix } = parseS3(o.to)
      const s3 = s3FromEnv()
      const versioning = await ensureVersioning(s3, bucket) // a backup overwritten or deleted stays restorable
      if (versioning !== 'enabled')
        console.warn(
          JSON.stringify({
            level: 'warn',
            msg: 'backup bucket versioning not set',
            bucket,
            reason: versioning,
          }),
        )
      const keyOf = (file: string) => (prefix ? `${prefix}/${file}` : file)
      for (const file of Object.values(files))
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: keyOf(file.slice(work.length + 1)),
            Body: createReadStream(file),
            ContentLength: (await stat(file)).size,
          }),
        )
      const listed =
        (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: keyOf('lingudesk-') })))
          .Contents ?? []
      const old = oldest(
        listed.flatMap((x) => (x.Key ? [x.Key] : [])),
        o.keep,
      )
      if (old.length)
        await s3.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: old.map((Key) => ({ Key })) },
          }),
        )
    } else {
      await mkdir(o.to, { recursive: true })
      for (const file of Object.values(files))
        await copyFile(file, join(o.to, file.slice(work.length + 1)))
      for (const n of oldest(await readdir(o.to), o.keep)) await rm(join(o.to, n))
    }
    const client = new pg.Client({ connectionString: o.db, password: o.password })
    await client.connect()
    try {
      await recordBackup(
        (text, params) => client.query(text, params).then((r) => r.rows as never),
        name,
        (await stat(files.dump)).size,
      )
    } finally {
      await client.end()
    }
    return name
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** The files of all but the newest `keep` backups (a backup's .dump and .roles.sql go together). */
function oldest(names: string[], keep: number) {
  const base = (n: string) => n.replace(/\.(dump|roles\.sql)$/, '')
  const backups = [
    ...new Set(names.filter((n) => /lingudesk-[^/]*\.(dump|roles\.sql)$/.test(n)).map(base)),
  ]
    .sort()
    .reverse()
  const gone = new Set(backups.slice(keep))
  return names.filter((n) => gone.has(base(n)))
}

/** Restores a backup into an existing, empty database: its roles first (those missing), then the dump. */
export async function restore(o: { from: string; into: string; password?: string }) {
  const work = await mkdtemp(join(tmpdir(), 'lingudesk-restore-'))
  try {
    const base = o.from.replace(/\.dump$/, '')
    let files = { dump: `${base}.dump`, roles: `${base}.roles.sql` }
    if (o.from.startsWith('s3://')) {
      const { bucket, prefix } = parseS3(base)
      const s3 = s3FromEnv()
      const fetchTo = async (suffix: string) => {
        const obj = await s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${suffix}` }),
        )
        if (!obj.Body) throw new Error(`${prefix}${suffix} has no body`)
        await writeFile(join(work, `restore${suffix}`), await obj.Body.transformToByteArray())
        return join(work, `restore${suffix}`)
      }
      files = { dump: await fetchTo('.dump'), roles: await fetchTo('.roles.sql') }
    }
    const client = new pg.Client({ connectionString: o.into, password: o.password })
    await client.connect()
    try {
      const existing = new Set(
        (await client.query<{ rolname: string }>('select rolname from pg_roles')).rows.map(
          (r) => r.rolname,
        ),
      )
      for (const statement of (await readFile(files.roles, 'utf8')).split('\n').filter(Boolean)) {
        const created = statement.match(/^CREATE ROLE (\w+);$/)?.[1]
        if (!created || !existing.has(created)) await client.query(statement)
      }
    } finally {
      await client.end()
    }
    await pgTool(
      'pg_restore',
      ['--exit-on-error', '--single-transaction', `--dbname=${o.into}`, files.dump],
      o.password,
    )
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

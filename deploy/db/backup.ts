// Backups of the Lingudesk database (pg_dump custom format) to a folder or an S3/MinIO bucket, with retention.
//   tsx deploy/db/backup.ts  --to /var/backups/lingudesk     [--keep 14]
//   tsx deploy/db/backup.ts  --to s3://backups/lingudesk     [--keep 14]   (S3_ENDPOINT, S3_ACCESS_KEY_ID, …)
//   tsx deploy/db/restore.ts --from <file or s3://…/name.dump> --into postgres://owner@host/new_database
// DATABASE_URL (or --db) must be the owner's: the dump includes every schema, RLS policy and grant.
import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'

export function pgTool(tool: 'pg_dump' | 'pg_restore', args: string[]) {
  return new Promise<void>((ok, fail) => {
    const p = spawn(tool, args, { stdio: ['ignore', 'inherit', 'pipe'] })
    let err = ''
    p.stderr!.on('data', (d) => (err += d))
    p.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`${tool} exited with ${code}: ${err.trim()}`))))
  })
}

export const s3FromEnv = () =>
  new S3Client({
    endpoint: process.env.S3_ENDPOINT,
    region: process.env.S3_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID ?? '', secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? '' },
    // A streamed body would otherwise go out aws-chunked with a checksum trailer, which not every S3 server reads.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  })

export const parseS3 = (url: string) => {
  const u = new URL(url)
  return { bucket: u.hostname, prefix: u.pathname.replace(/^\/|\/$/g, '') }
}

/** Dumps the database, stores it as lingudesk-<UTC time>.dump, keeps the newest `keep`; returns its name. */
export async function backup(o: { db: string; to: string; keep: number; now?: Date }) {
  const name = `lingudesk-${(o.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}.dump`
  const work = await mkdtemp(join(tmpdir(), 'lingudesk-backup-'))
  try {
    const file = join(work, name)
    await pgTool('pg_dump', ['--format=custom', '--compress=6', `--file=${file}`, o.db])
    if (o.to.startsWith('s3://')) {
      const { bucket, prefix } = parseS3(o.to)
      const s3 = s3FromEnv()
      const key = prefix ? `${prefix}/${name}` : name
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: (await stat(file)).size }))
      const listed = (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix ? `${prefix}/lingudesk-` : 'lingudesk-' }))).Contents ?? []
      const old = listed.map((x) => x.Key!).filter((k) => k.endsWith('.dump')).sort().reverse().slice(o.keep)
      if (old.length) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: old.map((Key) => ({ Key })) } }))
    } else {
      await mkdir(o.to, { recursive: true })
      await copyFile(file, join(o.to, name))
      const all = (await readdir(o.to)).filter((n) => /^lingudesk-.*\.dump$/.test(n)).sort().reverse()
      for (const n of all.slice(o.keep)) await rm(join(o.to, n))
    }
    return name
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** Restores a dump into an existing, empty database (create it first); roles must exist on that server. */
export async function restore(o: { from: string; into: string }) {
  const work = await mkdtemp(join(tmpdir(), 'lingudesk-restore-'))
  try {
    let file = o.from
    if (o.from.startsWith('s3://')) {
      const { bucket, prefix } = parseS3(o.from)
      const obj = await s3FromEnv().send(new GetObjectCommand({ Bucket: bucket, Key: prefix }))
      file = join(work, 'restore.dump')
      await writeFile(file, await obj.Body!.transformToByteArray())
    }
    await pgTool('pg_restore', ['--exit-on-error', '--single-transaction', `--dbname=${o.into}`, file])
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { to: { type: 'string' }, keep: { type: 'string', default: '14' }, db: { type: 'string' } } })
  const db = values.db ?? process.env.DATABASE_URL
  if (!values.to || !db) {
    console.error('usage: tsx deploy/db/backup.ts --to <folder | s3://bucket/prefix> [--keep N] [--db URL]  (or DATABASE_URL)')
    process.exit(2)
  }
  console.log(`backup written: ${await backup({ db, to: values.to, keep: Number(values.keep) })}`)
}

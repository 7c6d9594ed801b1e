import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import S3rver from 's3rver'
import { isolateBatches } from './pglite-batches'

export type Embedded = { env: Record<string, string>; stop(): Promise<void> }

/** PGlite over the Postgres wire protocol. `dataDir` undefined keeps it in memory (tests). */
export async function startPglite(dataDir?: string) {
  const db = await PGlite.create(dataDir ? { dataDir } : {})
  // All connections share PGlite's one session; allow more than every pool together may open.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 100 })
  isolateBatches(server)
  await server.start()
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    stop: async () => {
      await server.stop()
      await db.close()
    },
  }
}

/**
 * The local data tier for whatever the environment does not point elsewhere: PostgreSQL (PGlite), S3
 * (s3rver), Redis (in memory) and mail (files), with their data under `dataDir`.
 */
export async function startEmbedded(
  dataDir: string,
  env: Record<string, string | undefined>,
): Promise<Embedded> {
  const out: Record<string, string> = {}
  const stops: (() => Promise<void>)[] = []
  if (!env.DATABASE_URL) {
    const pg = await startPglite(join(dataDir, 'pg'))
    out.DATABASE_URL = pg.url
    stops.push(pg.stop)
  }
  if (!env.S3_ENDPOINT) {
    const directory = join(dataDir, 's3')
    await mkdir(directory, { recursive: true })
    const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory })
    const { port } = await s3.run()
    Object.assign(out, {
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    })
    stops.push(() => s3.close())
  }
  if (!env.REDIS_URL) out.REDIS_URL = 'memory://local'
  if (!env.SMTP_URL) out.SMTP_URL = pathToFileURL(join(dataDir, 'mail')).href
  return { env: out, stop: async () => void (await Promise.all(stops.map((s) => s()))) }
}

import { spawn } from 'node:child_process'
import { appendFile, chown, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './loopback'

const BIN = '/usr/lib/postgresql/15/bin'

function run(cmd: string, args: string[], asPostgres: boolean, netns?: string) {
  const [file, argv] = asPostgres
    ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]]
    : [cmd, args]
  const [f, a] = netns ? ['ip', ['netns', 'exec', netns, file, ...argv]] : [file, argv]
  return new Promise<void>((ok, fail) => {
    const p = spawn(f, a, { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    p.stderr.on('data', (d) => (err += d))
    p.once('exit', (code) =>
      code === 0 ? ok() : fail(new Error(`${cmd} exited with ${code}: ${err}`)),
    )
  })
}

/**
 * A PostgreSQL 15 cluster of the test's own on a spare loopback port (trust auth, superuser `postgres`), for
 * tests that need a real server when DATABASE_URL is not set. initdb refuses root, so it runs as `postgres`.
 * With `netns`, the server runs in that network namespace and listens on `host` there.
 */
export async function startPostgresServer(
  o: { netns?: string; host?: string; port?: number } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'lingudesk-pg-'))
  const asPostgres = process.getuid?.() === 0
  if (asPostgres) {
    const { uid, gid } = await new Promise<{ uid: number; gid: number }>((ok, fail) => {
      const p = spawn('id', ['-u', 'postgres'])
      let out = ''
      p.stdout.on('data', (d) => (out += d))
      p.once('exit', (code) =>
        code === 0
          ? ok({ uid: Number(out), gid: Number(out) })
          : fail(new Error('no postgres user')),
      )
    })
    await chown(dir, uid, gid)
  }
  const data = join(dir, 'data')
  const port = o.port ?? (await freePort())
  const host = o.host ?? '127.0.0.1'
  await run(
    `${BIN}/initdb`,
    ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'],
    asPostgres,
  )
  // trust on the test's own addresses only: initdb's default pg_hba admits loopback alone
  if (o.netns) await appendFile(join(data, 'pg_hba.conf'), `host all all ${host}/24 trust\n`)
  await run(
    `${BIN}/pg_ctl`,
    [
      '-D',
      data,
      '-w',
      '-l',
      join(dir, 'log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=${host} -c fsync=off`,
      'start',
    ],
    asPostgres,
    o.netns,
  )
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    stop: async () => {
      await run(
        `${BIN}/pg_ctl`,
        ['-D', data, '-m', 'immediate', 'stop'],
        asPostgres,
        o.netns,
      ).catch(() => {})
      await rm(dir, { recursive: true, force: true })
    },
  }
}

import { spawn } from 'node:child_process'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const BIN = '/usr/lib/postgresql/15/bin'

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => ok(port))
    })
  })

function run(cmd: string, args: string[], asPostgres: boolean) {
  const [file, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
  return new Promise<void>((ok, fail) => {
    const p = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    p.stderr!.on('data', (d) => (err += d))
    p.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`${cmd} exited with ${code}: ${err}`))))
  })
}

/**
 * A PostgreSQL 15 cluster of the test's own on a spare loopback port (trust auth, superuser `postgres`), for
 * tests that need a real server when DATABASE_URL is not set. initdb refuses root, so it runs as `postgres`.
 */
export async function startPostgresServer() {
  const dir = await mkdtemp(join(tmpdir(), 'lingudesk-pg-'))
  const asPostgres = process.getuid?.() === 0
  if (asPostgres) {
    const { uid, gid } = await new Promise<{ uid: number; gid: number }>((ok, fail) => {
      const p = spawn('id', ['-u', 'postgres'])
      let out = ''
      p.stdout.on('data', (d) => (out += d))
      p.once('exit', (code) => (code === 0 ? ok({ uid: Number(out), gid: Number(out) }) : fail(new Error('no postgres user'))))
    })
    await chown(dir, uid, gid)
  }
  const data = join(dir, 'data')
  const port = await freePort()
  await run(`${BIN}/initdb`, ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], asPostgres)
  await run(`${BIN}/pg_ctl`, ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'], asPostgres)
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await run(`${BIN}/pg_ctl`, ['-D', data, '-m', 'immediate', 'stop'], asPostgres).catch(() => {})
      await rm(dir, { recursive: true, force: true })
    },
  }
}

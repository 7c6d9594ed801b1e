import { type ChildProcess, spawn } from 'node:child_process'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './loopback'
import { must } from './must'

const SHIPPED = new URL('../deploy/db/pgbouncer.ini', import.meta.url)

/** Replaces the one line `pattern` matches, or throws: the shipped file must keep the shape we template. */
function swap(text: string, pattern: RegExp, line: string) {
  if (!pattern.test(text)) throw new Error(`deploy/db/pgbouncer.ini: no line matches ${pattern}`)
  return text.replace(pattern, line)
}

/**
 * Debian's pgBouncer running the shipped `deploy/db/pgbouncer.ini` with only where it listens, where the
 * server is, the database name and the auth file's path changed. `users` are its login roles and their
 * passwords (plain text in the auth file, as pgBouncer allows).
 */
export async function startPgBouncer(o: {
  serverUrl: string
  database: string
  users: Record<string, string>
}) {
  const dir = await mkdtemp(join(tmpdir(), 'lingudesk-pgbouncer-'))
  await chmod(dir, 0o755) // pgBouncer refuses to run as root: it drops to `postgres`, which must read these
  const server = new URL(o.serverUrl)
  const port = await freePort()
  let ini = await readFile(SHIPPED, 'utf8')
  ini = swap(
    ini,
    /^lingudesk = .*$/m,
    `lingudesk = host=${server.hostname} port=${server.port || 5432} dbname=${o.database}`,
  )
  ini = swap(ini, /^listen_addr = .*$/m, 'listen_addr = 127.0.0.1')
  ini = swap(ini, /^listen_port = .*$/m, `listen_port = ${port}`)
  ini = swap(ini, /^auth_file = .*$/m, `auth_file = ${join(dir, 'userlist.txt')}`)
  ini += `unix_socket_dir = ${dir}\n`
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`
  await writeFile(
    join(dir, 'userlist.txt'),
    Object.entries(o.users)
      .map(([u, p]) => `${quote(u)} ${quote(p)}\n`)
      .join(''),
    { mode: 0o644 },
  )
  await writeFile(join(dir, 'pgbouncer.ini'), ini, { mode: 0o644 })

  const root = process.getuid?.() === 0
  const proc: ChildProcess = spawn(
    'pgbouncer',
    [...(root ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let log = ''
  must(proc.stderr).on('data', (d) => (log += d))
  const listening = () =>
    new Promise<boolean>((ok) => {
      const s = connect({ host: '127.0.0.1', port }, () => (s.destroy(), ok(true)))
      s.once('error', () => ok(false))
    })
  for (let i = 0; !(await listening()); i++) {
    if (proc.exitCode !== null || i > 100) throw new Error(`pgBouncer did not start: ${log}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    /** A postgres:// URL through pgBouncer, without a password (give it separately). */
    urlFor: (user: string) => `postgres://${user}@127.0.0.1:${port}/lingudesk`,
    log: () => log,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r))
        proc.kill('SIGTERM')
        await exited
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
}

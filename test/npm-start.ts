import { spawn } from 'node:child_process'
import { must } from './must'

// `npm start` on embedded defaults: none of the *_URL variables, a data folder of the test's own.
const EMBEDDED = [
  'DATABASE_URL',
  'REDIS_URL',
  'S3_ENDPOINT',
  'SMTP_URL',
  'MIGRATION_DATABASE_URL',
  'ROLE',
  'PORT',
]

/** Runs `npm start` as a user would; `up` resolves with what it printed once the platform is up. */
export function npmStart(dataDir: string, extraEnv: Record<string, string> = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !EMBEDDED.includes(k)))
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...env, DATA_DIR: dataDir, ...extraEnv },
    detached: true,
  })
  const log = { out: '' }
  const up = new Promise<string>((ok, fail) => {
    child.stdout.on('data', (d) => {
      log.out += d
      if (log.out.includes('Lingudesk is up')) ok(log.out)
    })
    child.stderr.on('data', (d) => (log.out += d))
    child.once('exit', (code) => fail(new Error(`npm start exited with ${code}:\n${log.out}`)))
  })
  /** Ctrl-C as a terminal sends it (to the whole process group); resolves with everything printed. */
  const stop = () =>
    new Promise<string>((ok) => {
      if (child.exitCode !== null) return ok(log.out)
      child.once('close', () => ok(log.out)) // 'close': after stdout has drained, unlike 'exit'
      process.kill(-must(child.pid), 'SIGINT')
    })
  return { child, up, log, stop }
}

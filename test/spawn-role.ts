import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { RoleServer } from '../deploy/serve'
import type { Role } from '../lib/config'

const ROOT = resolve(import.meta.dirname, '..')
/** Node's arguments that start a role as a container does, but ending with the test that started it. */
export const ROLE_COMMAND = [
  '--import',
  'tsx',
  '--import',
  resolve(import.meta.dirname, 'exit-with-parent.ts'),
  resolve(ROOT, 'deploy/start.ts'),
  '--role',
]

export type RoleProcess = RoleServer & {
  /** Its process id (tests read its memory from /proc). */
  pid: number
  /** Every log line the process wrote, parsed. */
  lines: Record<string, unknown>[]
  /** Kills it with SIGKILL, as a crash would, and waits until it is gone. */
  kill(): Promise<void>
}

/** One role as its own Node process, started as a container starts it (`deploy/start.ts --role`). */
export async function spawnRole(role: Role, env: Record<string, string>): Promise<RoleProcess> {
  const child = spawn(process.execPath, [...ROLE_COMMAND, role], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines: Record<string, unknown>[] = []
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()))
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${role} did not start in 30 s`)), 30_000)
    void exited.then(() => fail(new Error(`${role} exited at start`)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = (() => {
        try {
          return JSON.parse(line) as Record<string, unknown>
        } catch {
          return { msg: line }
        }
      })()
      lines.push(entry)
      if (entry.msg === 'listening') {
        clearTimeout(timer)
        ok(String(entry.url))
      }
    })
  })
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  return { role, url, pid: Number(child.pid), lines, kill, close: kill }
}

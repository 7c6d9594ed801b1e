import { type ChildProcess, spawn } from 'node:child_process'
import type { Role } from '../lib/config'
import { freePort } from './loopback'
import { ROLE_COMMAND } from './spawn-role'
import { must } from './must'

/**
 * One role as its own Node process (`deploy/start.ts --role`, as a container runs it) on a port of its own,
 * which a test may kill with SIGKILL and start again on the same port.
 */
export async function startRoleProcess(role: Role, env: Record<string, string>) {
  const port = await freePort()
  // BENCH_CPU_PROF=<dir>: the role writes a V8 CPU profile there when it stops (open it in DevTools).
  const profile = process.env.BENCH_CPU_PROF
  const prof = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []
  const url = `http://127.0.0.1:${port}`
  let proc: ChildProcess | undefined
  async function start() {
    proc = spawn(process.execPath, [...prof, ...ROLE_COMMAND, role], {
      env: { ...process.env, LOG_LEVEL: 'error', ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    // Up to 2 minutes: a role compiles its TypeScript as it starts, slow on a loaded machine.
    for (let i = 0; i < 2400; i++) {
      if (
        await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return
      if (proc.exitCode !== null) break
      await new Promise((r) => setTimeout(r, 50))
    }
    await kill() // one that never answered is not left behind
    throw new Error(`${role} did not start`)
  }
  async function kill() {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise((r) => must(proc).once('exit', r))
    proc.kill(profile ? 'SIGTERM' : 'SIGKILL') // a profile is written only on a clean exit
    await exited
  }
  await start()
  return {
    role,
    url,
    /** The process id now (it changes on restart): a bench reads the process's memory under /proc. */
    pid: () => must(proc?.pid),
    kill,
    restart: async () => (await kill(), await start()),
  }
}
export type RoleProcess = Awaited<ReturnType<typeof startRoleProcess>>

import { type ChildProcess, spawn } from 'node:child_process'
import { Redis } from 'ioredis'
import { freePort } from './loopback'
import { must } from './must'

/** A Redis server of the test's own on a spare port, which the test may stop, pause or restart. */
export async function startRedisServer(o: { password?: string } = {}) {
  const port = await freePort()
  let proc: ChildProcess | undefined
  const url = `redis://127.0.0.1:${port}`
  async function up() {
    proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--enable-debug-command',
        'local',
        ...(o.password ? ['--requirepass', o.password] : []),
      ],
      { stdio: 'ignore' },
    )
    const probe = new Redis(url, {
      lazyConnect: true,
      retryStrategy: () => 50,
      password: o.password,
    })
    probe.on('error', () => {})
    for (let i = 0; i < 100; i++) {
      if (
        await probe.ping().then(
          () => true,
          () => false,
        )
      )
        break
      await new Promise((r) => setTimeout(r, 50))
    }
    probe.disconnect()
  }
  await up()
  return {
    url,
    stop: async () => {
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
      const exited = new Promise((r) => must(proc).once('exit', r))
      proc.kill('SIGKILL')
      await exited
    },
    start: up,
    /** Freezes the server for `ms` (DEBUG SLEEP): connected but not answering. */
    async pause(ms: number) {
      const r = new Redis(url, { password: o.password })
      r.on('error', () => {})
      void r.call('DEBUG', 'SLEEP', String(ms / 1000)).finally(() => r.disconnect())
      await new Promise((res) => setTimeout(res, 20))
    },
  }
}

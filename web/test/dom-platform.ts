import { type ChildProcess, spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { inject } from 'vitest'

type Options = Parameters<typeof import('../../test/platform-harness').platformHarness>[0]

/**
 * The real roles for a component test, started in a child process (this process's globals are happy-dom's),
 * and the page's URL set to the backend's, so the SPA's client reaches /api on its own origin.
 */
export async function domPlatform(o: Options = {}) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '../../test/platform-process.ts'), JSON.stringify(o)], {
    env: { ...process.env, LINGUDESK_DB_TEMPLATE: inject('dbTemplate') ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const backend = await new Promise<string>((ok, fail) => {
    let out = ''
    child.stdout!.on('data', (d) => {
      out += d
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line) ok(JSON.parse(line).backend)
    })
    child.on('exit', (code) => fail(new Error(`the platform process exited (${code})`)))
  })
  ;(window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(`${backend}/`)
  return { backend, close: () => new Promise<void>((ok) => (child.kill('SIGTERM'), child.once('exit', () => ok()))) }
}

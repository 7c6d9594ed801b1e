import { type ChildProcess, spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { inject } from 'vitest'
import { must } from '../../test/must'

type Options = Parameters<typeof import('../../test/platform-harness').platformHarness>[0]

/**
 * The real roles for a component test, started in a child process (this process's globals are happy-dom's),
 * and the page's URL set to the backend's, so the SPA's client reaches /api on its own origin.
 */
export async function domPlatform(o: Options = {}) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve(import.meta.dirname, '../../test/platform-process.ts'),
      JSON.stringify(o),
    ],
    {
      env: { ...process.env, LINGUDESK_DB_TEMPLATE: inject('dbTemplate') ?? '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const mails: { to: string[]; subject: string }[] = []
  const backend = await new Promise<string>((ok, fail) => {
    let out = ''
    must(child.stdout).on('data', (d) => {
      out += d
      const lines = out.split('\n')
      out = must(lines.pop())
      for (const line of lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)))
        if (line.mail) mails.push(line.mail)
        else ok(line.backend)
    })
    child.on('exit', (code) => fail(new Error(`the platform process exited (${code})`)))
  })
  ;(window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(`${backend}/`)
  /** The 6-digit code in the newest mail to `to`, waiting up to 5 s for it. */
  async function code(to: string) {
    for (let i = 0; i < 100; i++) {
      const found = [...mails]
        .reverse()
        .find((m) => m.to.includes(to) && /\b\d{6}\b/.test(m.subject))
      if (found) return must(/\b(\d{6})\b/.exec(found.subject))[1]
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`no code mailed to ${to}`)
  }
  return {
    backend,
    code,
    close: () => new Promise<void>((ok) => (child.kill('SIGTERM'), child.once('exit', () => ok()))),
  }
}

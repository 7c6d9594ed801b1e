import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { expect, it } from 'vitest'

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

it('a process started with exit-with-parent.ts exits when the process that started it is killed', async () => {
  const preload = resolve(import.meta.dirname, 'exit-with-parent.ts')
  // The parent starts a child that would run for ever, prints its pid, and waits.
  const parent = spawn(
    process.execPath,
    [
      '-e',
      `const c = require('node:child_process').spawn(process.execPath, ['--import', 'tsx', '--import', ${JSON.stringify(preload)}, '-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000)`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const [line] = (await once(parent.stdout, 'data')) as [Buffer]
  const child = Number(line.toString().trim())
  await new Promise((r) => setTimeout(r, 1500)) // it runs while its parent lives
  expect(alive(child)).toBe(true)
  parent.kill('SIGKILL')
  await expect.poll(() => alive(child), { timeout: 10_000, interval: 200 }).toBe(false)
})

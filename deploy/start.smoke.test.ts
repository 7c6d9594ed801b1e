import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// `npm start` on embedded defaults: none of the *_URL variables, a data folder of its own.
const EMBEDDED = ['DATABASE_URL', 'REDIS_URL', 'S3_ENDPOINT', 'SMTP_URL', 'MIGRATION_DATABASE_URL', 'ROLE', 'PORT']
const FRONTEND = 'http://127.0.0.1:8080'
let dataDir: string

function start() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !EMBEDDED.includes(k)))
  const child = spawn('npm', ['start', '--silent'], { env: { ...env, DATA_DIR: dataDir }, detached: true })
  const log = { out: '' }
  const up = new Promise<string>((ok, fail) => {
    child.stdout!.on('data', (d) => {
      log.out += d
      if (log.out.includes('Lingudesk is up')) ok(log.out)
    })
    child.stderr!.on('data', (d) => (log.out += d))
    child.once('exit', (code) => fail(new Error(`npm start exited with ${code}:\n${log.out}`)))
  })
  return { child, up, log }
}

/** Ctrl-C as a terminal sends it (to the whole process group); resolves with what was printed. */
const stop = (s: ReturnType<typeof start>) =>
  new Promise<string>((ok) => {
    s.child.once('close', () => ok(s.log.out)) // 'close': after stdout has drained, unlike 'exit'
    process.kill(-s.child.pid!, 'SIGINT')
  })

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lingudesk-smoke-'))
})
afterAll(() => rm(dataDir, { recursive: true, force: true }))

describe('npm start on embedded defaults', () => {
  it('boots every role, answers through the frontend proxy, and stops on Ctrl-C', async () => {
    const platform = start()
    const out = await platform.up
    for (const [role, port] of [['frontend', 8080], ['backend', 8081], ['auth', 8082], ['credit', 8083], ['ai', 8084]] as const)
      expect(out).toContain(`${role.padEnd(9)} http://127.0.0.1:${port}`)
    const health = await fetch(`${FRONTEND}/healthz`)
    expect(await health.json()).toEqual({ status: 'ok', role: 'frontend' })
    expect(await (await fetch(`${FRONTEND}/api/healthz`)).json()).toEqual({ status: 'ok', role: 'backend' })
    const status = await fetch(`${FRONTEND}/api/status`)
    expect(status.status).toBe(200)
    expect((await status.json()).services).toEqual({ backend: 'up', auth: 'up', credit: 'up', ai: 'up' })
    for (const port of [8080, 8081, 8082, 8083, 8084])
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)
    expect(await (await fetch(FRONTEND)).text()).toContain('<div id="app">')
    expect(await stop(platform)).toContain('Lingudesk stopped')
    await expect(fetch(`${FRONTEND}/healthz`)).rejects.toThrow()
  })

  it('reuses its data folder and secrets on a second start', async () => {
    const secrets = await readFile(join(dataDir, 'secrets.json'), 'utf8')
    const platform = start()
    const out = await platform.up
    expect(out).not.toContain('migrations applied')
    expect(await readFile(join(dataDir, 'secrets.json'), 'utf8')).toBe(secrets)
    expect((await fetch(`${FRONTEND}/api/status`)).status).toBe(200)
    expect(await stop(platform)).toContain('Lingudesk stopped')
  })
})

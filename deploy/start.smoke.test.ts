import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { npmStart } from '../test/npm-start'

const FRONTEND = 'http://127.0.0.1:8080'
let dataDir: string
const start = () => npmStart(dataDir)

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lingudesk-smoke-'))
})
afterAll(() => rm(dataDir, { recursive: true, force: true }))

describe('npm start on embedded defaults', () => {
  it('boots every role, answers through the frontend proxy, and stops on Ctrl-C', async () => {
    const platform = start()
    const out = await platform.up
    for (const [role, port] of [
      ['frontend', 8080],
      ['backend', 8081],
      ['auth', 8082],
      ['credit', 8083],
      ['ai', 8084],
    ] as const)
      expect(out).toContain(`${role.padEnd(9)} http://127.0.0.1:${port}`)
    const health = await fetch(`${FRONTEND}/healthz`)
    expect(await health.json()).toEqual({ status: 'ok', role: 'frontend' })
    const status = await fetch(`${FRONTEND}/api/status`)
    expect(status.status).toBe(200)
    expect(await status.json()).toEqual({ status: 'up' }) // every core service answered the backend
    for (const port of [8080, 8081, 8082, 8083, 8084])
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)
    expect(await (await fetch(FRONTEND)).text()).toContain('<div id="app">')
    expect(await platform.stop()).toContain('Lingudesk stopped')
    await expect(fetch(`${FRONTEND}/healthz`)).rejects.toThrow()
  })

  it('reuses its data folder and secrets on a second start', async () => {
    const secrets = await readFile(join(dataDir, 'secrets.json'), 'utf8')
    const platform = start()
    const out = await platform.up
    expect(out).not.toContain('migrations applied')
    expect(await readFile(join(dataDir, 'secrets.json'), 'utf8')).toBe(secrets)
    expect((await fetch(`${FRONTEND}/api/status`)).status).toBe(200)
    expect(await platform.stop()).toContain('Lingudesk stopped')
  })
})

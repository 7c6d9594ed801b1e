import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRole, type RoleServer } from '../../deploy/serve'
import { MIGRATIONS_DIR } from '../../lib/node/migrations'
import createFrontendApp from './index'

let dir: string
let frontend: RoleServer

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spa-'))
  await mkdir(join(dir, 'assets'))
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Lingudesk</title>')
  await writeFile(join(dir, 'assets', 'app-1234.js'), 'console.log(1)')
  frontend = await startRole('frontend', createFrontendApp, {
    env: { PORT: '0', BACKEND_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'error' },
    migrationsDir: MIGRATIONS_DIR,
    assetsDir: dir,
  })
})
afterAll(async () => {
  await frontend?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('frontend SPA', () => {
  it.each(['/', '/decks/42/study'])(
    'serves index.html for %s with a CSP that forbids inline script',
    async (path) => {
      const res = await fetch(frontend.url + path)
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('<title>Lingudesk</title>')
      expect(res.headers.get('cache-control')).toBe('no-cache')
      const csp = res.headers.get('content-security-policy')
      expect(csp).toContain("script-src 'self'")
      expect(csp).not.toContain('unsafe-inline')
    },
  )

  it('serves hashed assets with a long cache lifetime', async () => {
    const res = await fetch(`${frontend.url}/assets/app-1234.js`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('javascript')
    expect(res.headers.get('cache-control')).toContain('immutable')
  })

  it('refuses a path that climbs out of the assets folder', async () => {
    const res = await fetch(`${frontend.url}/assets/..%2f..%2fetc%2fpasswd`)
    expect(await res.text()).not.toContain('root:')
  })
})

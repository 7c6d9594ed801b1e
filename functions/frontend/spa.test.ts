import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRole, type RoleServer } from '../../deploy/serve'
import { MIGRATIONS_DIR } from '../../lib/node/migrations'
import { rawRequest } from '../../test/raw-http'
import { precompress } from '../../web/precompress'
import createFrontendApp from './index'
import { must } from '../../test/must'

let dir: string
const BIG = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word ${i}`))}\n`
let frontend: RoleServer

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spa-'))
  await mkdir(join(dir, 'assets'))
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Lingudesk</title>')
  await writeFile(join(dir, 'assets', 'app-1234.js'), 'console.log(1)')
  await writeFile(join(dir, 'assets', 'big-5678.js'), BIG)
  // The build's own step writes the compressed twins (a file that would not shrink gets none).
  const plugin = precompress() as unknown as {
    configResolved(c: { root: string; build: { outDir: string } }): void
    writeBundle(...args: unknown[]): Promise<void>
  }
  plugin.configResolved({ root: dir, build: { outDir: '.' } })
  await plugin.writeBundle(
    {},
    { 'index.html': {}, 'assets/app-1234.js': {}, 'assets/big-5678.js': {} },
  )
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

describe('frontend static files on the wire', () => {
  const big = `/assets/big-5678.js`
  const get = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(frontend.url + path, { headers })

  it('sends the brotli twin, the gzip twin or the file itself, as Accept-Encoding asks', async () => {
    const br = await get(big, { 'accept-encoding': 'gzip, deflate, br' })
    expect(br.headers['content-encoding']).toBe('br')
    expect(brotliDecompressSync(br.body).toString()).toBe(BIG)
    expect(Number(br.headers['content-length'])).toBe(br.body.length)
    expect(br.body.length).toBeLessThan(BIG.length / 3)

    const gz = await get(big, { 'accept-encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.body).toString()).toBe(BIG)

    for (const refused of [undefined, 'identity', 'br;q=0, gzip;q=0', '*;q=0', 'zstd']) {
      const plain = await get(big, refused ? { 'accept-encoding': refused } : {})
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(plain.body.toString()).toBe(BIG)
    }
    // A higher q wins over the server's preference; a wildcard stands for encodings not named.
    expect(
      (await get(big, { 'accept-encoding': 'br;q=0.5, gzip' })).headers['content-encoding'],
    ).toBe('gzip')
    expect((await get(big, { 'accept-encoding': '*' })).headers['content-encoding']).toBe('br')
  })

  it('says Vary: Accept-Encoding on every representation, each with its own ETag', async () => {
    const answers = await Promise.all(
      ['br', 'gzip', 'identity'].map((e) => get(big, { 'accept-encoding': e })),
    )
    for (const a of answers) {
      expect(a.headers.vary).toBe('Accept-Encoding')
      expect(a.headers.etag).toMatch(/^"[\w-]+"$/)
      expect(a.headers['cache-control']).toContain('immutable')
    }
    expect(new Set(answers.map((a) => a.headers.etag)).size).toBe(3)
    // index.html is revalidated (no-cache) and compressed too; a tiny file that would not shrink is sent as is.
    const html = await get('/', { 'accept-encoding': 'br' })
    expect(html.headers['cache-control']).toBe('no-cache')
    const tiny = await get('/assets/app-1234.js', { 'accept-encoding': 'br' })
    expect(tiny.headers['content-encoding']).toBeUndefined()
    expect(tiny.headers.vary).toBeUndefined()
  })

  it('answers 304 with no body when the client holds the same representation', async () => {
    const first = await get(big, { 'accept-encoding': 'br' })
    const again = await get(big, {
      'accept-encoding': 'br',
      'if-none-match': must(first.headers.etag),
    })
    expect(again.status).toBe(304)
    expect(again.body.length).toBe(0)
    expect(again.headers.etag).toBe(first.headers.etag)
    expect(again.headers.vary).toBe('Accept-Encoding')
    // Another encoding is another representation: its ETag differs, so the body is sent.
    const other = await get(big, {
      'accept-encoding': 'gzip',
      'if-none-match': must(first.headers.etag),
    })
    expect(other.status).toBe(200)
    expect(other.headers['content-encoding']).toBe('gzip')
    const index = await get('/decks/1', {
      'if-none-match': `"stale", ${(await get('/')).headers.etag}`,
    })
    expect(index.status).toBe(304)
  })

  it('answers 404 for a missing hashed file instead of the page', async () => {
    const res = await get('/assets/gone-0000.js')
    expect(res.status).toBe(404)
    expect((await get('/assets/big-5678.js.br')).status).toBe(404)
  })
})

import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RoleServer, startRole } from '../../deploy/serve'
import { MIGRATIONS_DIR } from '../../lib/node/migrations'
import { ankiPackage, smallModel } from '../../test/anki-package'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import createFrontendApp from './index'

// A slow upload through the real edge and backend: the Anki import's dry run, its body sent in pieces.
let p: PlatformHarness
let edge: RoleServer
let token: string
let pkg: Buffer
const frontend = (env: Record<string, string> = {}) =>
  startRole('frontend', createFrontendApp, {
    env: { PORT: '0', BACKEND_URL: p.backend.url, LOG_LEVEL: 'error', ...env },
    migrationsDir: MIGRATIONS_DIR,
    assetsDir: '/none',
  })
beforeAll(async () => {
  p = await platformHarness()
  edge = await frontend()
  const b = p.browser()
  await b.register()
  token = b.token as string
  pkg = Buffer.from(await ankiPackage(smallModel()))
}, 120_000)
afterAll(async () => {
  await edge?.close()
  await p?.close()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** POSTs the package as a dry run: the head at once, then each piece after its delay (ms). */
function upload(base: string, delays: number[]) {
  return new Promise<{ status: number; body: { error?: { code: string } } }>((ok, fail) => {
    const req = request(
      `${base}/api/imports/anki?dryRun=true`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/octet-stream',
          'content-length': pkg.length,
        },
      },
      (res) => {
        let text = ''
        res.on('data', (d) => (text += d))
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
      },
    )
    req.on('error', fail)
    req.flushHeaders()
    void (async () => {
      const size = Math.ceil(pkg.length / delays.length)
      for (const [i, ms] of delays.entries()) {
        await sleep(ms)
        if (req.destroyed) return
        req.write(pkg.subarray(i * size, (i + 1) * size))
      }
      req.end()
    })()
  })
}

describe('uploads through the edge', () => {
  it('takes a slow but live upload whose first bytes come after the backend connection would idle out', async () => {
    // A warm pool: the next request reuses a kept-alive connection to the backend (idle timeout 5 s).
    expect(
      (await fetch(`${edge.url}/api/whoami`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(200)
    const res = await upload(edge.url, [6000, 1000, 1000, 1000, 1000])
    expect(res).toMatchObject({ status: 200, body: { summary: { totals: { cards: 6 } } } })
  }, 60_000)

  it('answers 408 to an upload that stalls', async () => {
    const quick = await frontend({ BODY_IDLE_TIMEOUT_S: '1' })
    try {
      const started = Date.now()
      const res = await upload(quick.url, [0, 60_000])
      expect(res).toMatchObject({ status: 408, body: { error: { code: 'REQUEST_TIMEOUT' } } })
      expect(Date.now() - started).toBeLessThan(10_000)
      // The edge still reaches the backend afterwards.
      expect(
        (await fetch(`${quick.url}/api/whoami`, { headers: { authorization: `Bearer ${token}` } }))
          .status,
      ).toBe(200)
    } finally {
      await quick.close()
    }
  }, 60_000)
})

import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ankiPackage, bigModel, smallModel } from '../../test/anki-package'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

// Imports hold their package in memory: one per learner, ANKI_IMPORT_CONCURRENCY (here 1) per process.
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({
    backendEnv: { RATE_LIMIT_STANDARD: '100000/60', ANKI_IMPORT_CONCURRENCY: '1' },
    aiEnv: {},
  })
})
afterAll(() => p.close())

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms))
type Learner = ReturnType<PlatformHarness['browser']>
const learner = async () => {
  const b = p.browser()
  await b.register()
  return b
}
const dryRun = async (b: Learner, bytes: Uint8Array) => {
  const res = await fetch(`${p.backend.url}/api/imports/anki?dryRun=true`, {
    method: 'POST',
    body: bytes as BodyInit,
    headers: { authorization: `Bearer ${b.token}`, 'x-forwarded-for': b.ip },
  })
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() }
}
/** A dry run whose body is sent but for its last byte, until `finish()` sends it. */
const slowDryRun = (b: Learner, bytes: Uint8Array) => {
  const req = request(`${p.backend.url}/api/imports/anki?dryRun=true`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${b.token}`,
      'x-forwarded-for': b.ip,
      'content-length': bytes.length,
    },
  })
  const status = new Promise<number>((ok, fail) => {
    req.on('response', (res) => (res.resume(), ok(res.statusCode ?? 0)))
    req.on('error', fail)
  })
  status.catch(() => {}) // a refused one may see its socket closed before its last byte
  req.write(bytes.subarray(0, -1))
  return { status, finish: () => req.end(bytes.subarray(-1)) }
}

describe('POST /api/imports/anki admits one import per learner and a few per process', () => {
  it('answers 409 to a learner already importing and 503 to others while the slot is taken', async () => {
    const [a, b] = [await learner(), await learner()]
    const bytes = await ankiPackage(smallModel(), 'anki21b')
    let first = slowDryRun(a, bytes)
    let again = { status: 0 } as Awaited<ReturnType<typeof dryRun>>
    for (let i = 0; i < 50 && again.status !== 409; i++) {
      await sleep(100) // until the slow one is admitted; if a probe beat it to the slot, it starts again
      again = await dryRun(a, bytes)
      if (await Promise.race([first.status.then(() => true), sleep(0).then(() => false)]))
        first = slowDryRun(a, bytes)
    }
    expect(again.status).toBe(409)
    expect(again.body.error).toMatchObject({
      code: 'IMPORT_IN_PROGRESS',
      details: { jobId: null, retryAfter: 5 },
    })
    expect(again.retryAfter).toBe('5')

    const other = await dryRun(b, bytes)
    expect(other.status).toBe(503)
    expect(other.body.error.code).toBe('UNAVAILABLE')
    expect(other.body.error.message).toMatch(/import/i)
    expect(Number(other.retryAfter)).toBeGreaterThan(0)

    first.finish()
    expect(await first.status).toBe(200)
    expect((await dryRun(b, bytes)).status).toBe(200)
    expect((await dryRun(a, bytes)).status).toBe(200)
  })

  it('holds the learner and the slot while a job runs, naming the job', async () => {
    const [a, b] = [await learner(), await learner()]
    const big = await ankiPackage(bigModel({ cards: 3000, reviews: 12_000, media: 100 }))
    const res = await fetch(`${p.backend.url}/api/imports/anki`, {
      method: 'POST',
      body: big as BodyInit,
      headers: { authorization: `Bearer ${a.token}`, 'x-forwarded-for': a.ip },
    })
    expect(res.status).toBe(202)
    const { job } = await res.json()
    const small = await ankiPackage(smallModel(), 'anki21b')
    const again = await dryRun(a, small)
    expect(again.status).toBe(409)
    expect(again.body.error.details.jobId).toBe(job.id)
    expect((await dryRun(b, small)).status).toBe(503)
    for (let state = 'running'; state === 'running'; await sleep(100))
      state = (await a.call('GET', `/api/imports/${job.id}`)).body.job.state
    // The slot is given back as the job's promise settles, just after its row says it ended.
    let after = await dryRun(a, small)
    for (let i = 0; i < 20 && after.status !== 200; i++) after = await dryRun(a, small)
    expect(after.status).toBe(200)
  })

  it('frees the slot when an import is refused', async () => {
    const [a, b] = [await learner(), await learner()]
    expect((await dryRun(a, new Uint8Array([1, 2, 3]))).status).toBe(400)
    expect((await dryRun(a, await ankiPackage(smallModel(), 'anki21b'))).status).toBe(200)
    expect((await dryRun(b, await ankiPackage(smallModel(), 'anki21b'))).status).toBe(200)
  })
})

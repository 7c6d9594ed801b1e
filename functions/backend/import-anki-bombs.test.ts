import { readFileSync } from 'node:fs'
import { unzipSync, zipSync, type Zippable } from 'fflate'
import { decompress } from 'fzstd'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ankiPackage, smallModel } from '../../test/anki-package'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { zstdZeros } from '../../test/zstd-bomb'

// zstd bombs inside a zip that passes the zip checks (stored, ratio 1), sent to a backend in its own process.
const GIB = 1000 * 1024 * 1024
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({
    backendEnv: { RATE_LIMIT_STANDARD: '100000/60' },
    aiEnv: {},
    processes: true,
  })
}, 60_000)
afterAll(() => p.close())

/** The small current-format package with one of its files swapped for `bytes`, stored as they are. */
const withFile = async (name: string, bytes: Uint8Array) => {
  const files: Zippable = unzipSync(await ankiPackage(smallModel(), 'anki21b'))
  files[name] = [bytes, { level: 0 }]
  return zipSync(files)
}
/** The backend's peak resident memory so far (VmHWM), in MB. */
const peakMb = () => {
  const status = readFileSync(`/proc/${p.processes.backend?.pid}/status`, 'utf8')
  return Number(status.match(/VmHWM:\s+(\d+) kB/)?.[1]) / 1024
}

describe('POST /api/imports/anki refuses zstd bombs', () => {
  it('writes fixtures that are real zstd', () => {
    for (const declared of [true, false])
      expect(decompress(zstdZeros(300_000, declared))).toEqual(new Uint8Array(300_000))
  })

  const cases: [string, () => Promise<Uint8Array>][] = [
    ['a collection declaring 1000 MiB', () => withFile('collection.anki21b', zstdZeros(GIB, true))],
    [
      'a collection of 1000 MiB, undeclared',
      () => withFile('collection.anki21b', zstdZeros(GIB, false)),
    ],
    ['a media file of 1000 MiB', () => withFile('0', zstdZeros(GIB, false))],
  ]
  for (const [what, make] of cases)
    it(`answers 400 for ${what}, unpacking nothing and staying responsive`, async () => {
      const b = p.browser()
      await b.register()
      const before = peakMb()
      const bomb = await make()
      expect(bomb.length).toBeLessThan(64 * 1024)
      const started = Date.now()
      const reply = fetch(`${p.backend.url}/api/imports/anki?dryRun=false`, {
        method: 'POST',
        body: bomb as BodyInit,
        headers: { authorization: `Bearer ${b.token}`, 'x-forwarded-for': b.ip },
      })
      const other = await b.call('GET', '/api/decks') // another call while the bomb is refused
      const res = await reply
      const body = await res.json()
      expect(res.status).toBe(400)
      expect(body.error).toMatchObject({ code: 'BAD_PACKAGE', details: { reason: 'zip-bomb' } })
      expect(body.error.message).toMatch(/unpack/)
      expect(other.status).toBe(200)
      expect(Date.now() - started).toBeLessThan(1000)
      expect(peakMb() - before).toBeLessThan(64)
      const uid = (await b.call('GET', '/api/whoami')).body.id
      const rows = await p.db.owner.query(
        `select 1 from content.decks where user_id = $1 union all select 1 from content.import_jobs
         where user_id = $1 union all select 1 from ai.media where user_id = $1`,
        [uid],
      )
      expect(rows).toEqual([])
    })
})

import { request } from 'node:http'
import { strToU8, zipSync } from 'fflate'
import initSqlJs from 'sql.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { ankiPackage, smallModel } from '../../test/anki-package'

// Packages the import refuses, with 400 naming the problem (413 over the size limit), storing nothing.
const MAX = 64 * 1024
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({
    backendEnv: { RATE_LIMIT_STANDARD: '100000/60', ANKI_IMPORT_MAX_BYTES: String(MAX) },
    aiEnv: {},
  })
})
afterAll(() => p.close())

const learner = async () => {
  const b = p.browser()
  await b.register()
  return b
}
type Learner = Awaited<ReturnType<typeof learner>>
const post = async (b: Learner, bytes: Uint8Array) => {
  const res = await fetch(`${p.backend.url}/api/imports/anki`, {
    method: 'POST',
    body: bytes as BodyInit,
    headers: { authorization: `Bearer ${b.token}`, 'x-forwarded-for': b.ip },
  })
  return { status: res.status, body: await res.json() }
}
const nothingStored = async (b: Learner) => {
  const uid = (await b.call('GET', '/api/whoami')).body.id
  const rows = await p.db.owner.query(
    `select 1 from content.decks where user_id = $1 union all select 1 from content.import_jobs where user_id = $1
     union all select 1 from ai.media where user_id = $1`,
    [uid],
  )
  expect(rows).toEqual([])
}
const sqlite = async (sql: string) => {
  const db = new (await initSqlJs()).Database()
  db.exec(sql)
  return db.export()
}

describe('POST /api/imports/anki refuses bad packages', () => {
  const cases: [string, () => Promise<Uint8Array>, string][] = [
    ['not a zip', async () => strToU8('front,back\nhola,hello\n'), 'not-a-zip'],
    [
      'a zip without a collection',
      async () => zipSync({ 'readme.txt': strToU8('hi') }),
      'no-collection',
    ],
    [
      'a zip bomb (a small entry that inflates 1000-fold)',
      async () => zipSync({ 'collection.anki2': new Uint8Array(20 * 1024 * 1024) }, { level: 9 }),
      'zip-bomb',
    ],
    [
      'a collection that is not SQLite',
      async () => zipSync({ 'collection.anki2': strToU8('just text, no database here') }),
      'schema',
    ],
    [
      'an SQLite file without Anki tables',
      async () => zipSync({ 'collection.anki2': await sqlite('create table t (x)') }),
      'schema',
    ],
    [
      'an Anki schema this import does not know',
      async () =>
        zipSync({
          'collection.anki2': await sqlite(
            'create table col (ver integer); insert into col values (99)',
          ),
        }),
      'schema',
    ],
    [
      'a current package whose collection is not zstd',
      async () => zipSync({ 'collection.anki21b': strToU8('not zstd at all') }),
      'zstd',
    ],
  ]
  for (const [what, make, reason] of cases)
    it(`answers 400 for ${what}`, async () => {
      const b = await learner()
      const { status, body } = await post(b, await make())
      expect(status).toBe(400)
      expect(body.error).toMatchObject({ code: 'BAD_PACKAGE', details: { reason } })
      expect(body.error.message.length).toBeGreaterThan(10)
      await nothingStored(b)
    })

  // Declared JSON or a form, the body is still the package's bytes (no input check may read the stream first).
  for (const type of ['application/json', 'application/x-www-form-urlencoded'])
    it(`answers 400 for a body sent as ${type}`, async () => {
      const b = await learner()
      const res = await fetch(`${p.backend.url}/api/imports/anki`, {
        method: 'POST',
        body: '{"a":1}',
        headers: {
          authorization: `Bearer ${b.token}`,
          'x-forwarded-for': b.ip,
          'content-type': type,
        },
      })
      expect(res.status).toBe(400)
      expect((await res.json()).error).toMatchObject({
        code: 'BAD_PACKAGE',
        details: { reason: 'not-a-zip' },
      })
      await nothingStored(b)
    })

  it('answers 413 for a package over the limit, declared by Content-Length', async () => {
    const b = await learner()
    const { status, body } = await post(b, new Uint8Array(MAX + 1))
    expect(status).toBe(413)
    expect(body.error).toMatchObject({ code: 'PACKAGE_TOO_LARGE', details: { maxBytes: MAX } })
    await nothingStored(b)
  })

  it('answers 413 for a streamed package as soon as it passes the limit', async () => {
    const b = await learner()
    const url = new URL(`${p.backend.url}/api/imports/anki`)
    // Chunked, no length: the server must stop at the limit; the client keeps offering 4× more.
    const answer = await new Promise<{ status: number; body: string; sent: number }>(
      (resolve, reject) => {
        let sent = 0
        const req = request(
          url,
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${b.token}`,
              'x-forwarded-for': b.ip,
              'transfer-encoding': 'chunked',
            },
          },
          (res) => {
            let body = ''
            res.on('data', (d) => (body += d))
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }))
          },
        )
        req.on('error', (e) => setTimeout(() => reject(e), 1000)) // the server may close the rest
        const pump = () => {
          while (sent < 4 * MAX) {
            sent += 4096
            if (!req.write(new Uint8Array(4096))) return void req.once('drain', pump)
          }
          req.end()
        }
        pump()
      },
    )
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body).error.code).toBe('PACKAGE_TOO_LARGE')
    await nothingStored(b)
  })

  it('takes a package just under the limit (the dry run reads it)', async () => {
    const b = await learner()
    const bytes = await ankiPackage(smallModel(), 'anki21b')
    expect(bytes.length).toBeLessThan(MAX)
    const res = await fetch(`${p.backend.url}/api/imports/anki?dryRun=true`, {
      method: 'POST',
      body: bytes as BodyInit,
      headers: { authorization: `Bearer ${b.token}`, 'x-forwarded-for': b.ip },
    })
    expect(res.status).toBe(200)
  })
})

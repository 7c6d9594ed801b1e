import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPgDb, withPassword } from '../../lib/node/db'
import { startPgBouncer } from '../../test/pgbouncer-server'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { startPostgresServer } from '../../test/postgres-server'
import { startRedisServer } from '../../test/redis-server'
import { testDatabase } from '../../test/testing'
import { must } from '../../test/must'

// Every role as production runs it: through Debian's pgBouncer in transaction mode with the shipped ini, each
// on its own login role, and the backend's Redis behind a password. The passwords hold every character
// that breaks a URL pasted by hand; they reach the roles in *_PASSWORD variables.
const SERVICES = ['backend', 'auth', 'credit', 'ai'] as const
const password = (who: string) => `${who}/+=@:%pw`
let own: Awaited<ReturnType<typeof startPostgresServer>> | undefined
let bouncer: Awaited<ReturnType<typeof startPgBouncer>>
let redis: Awaited<ReturnType<typeof startRedisServer>>
let p: PlatformHarness

beforeAll(async () => {
  if (!process.env.DATABASE_URL) {
    own = await startPostgresServer()
    process.env.DATABASE_URL = own.url
  }
  const db = await testDatabase()
  const name = new URL(db.url).pathname.slice(1)
  // A short timeout for one login in this database only (roles are cluster-wide), to see a query cancelled.
  await db.owner.query(
    `alter role lingudesk_backend in database ${name} set statement_timeout = '500ms'`,
  )
  bouncer = await startPgBouncer({
    serverUrl: db.url,
    database: name,
    users: Object.fromEntries(SERVICES.map((s) => [`lingudesk_${s}`, password(s)])),
  })
  redis = await startRedisServer({ password: password('redis') })
  const through = (s: (typeof SERVICES)[number]) => ({
    DATABASE_URL: bouncer.urlFor(`lingudesk_${s}`),
    DATABASE_PASSWORD: password(s),
  })
  p = await platformHarness({
    database: db,
    redisUrl: redis.url,
    backendEnv: { ...through('backend'), REDIS_PASSWORD: password('redis') },
    authEnv: through('auth'),
    creditEnv: through('credit'),
    aiEnv: through('ai'), // no provider keys: the offline plugin answers, and charges for media
  })
}, 60_000)

afterAll(async () => {
  await p?.close()
  await bouncer?.stop()
  await redis?.stop()
  await own?.stop()
})

const viaBouncer = (s: (typeof SERVICES)[number]) =>
  withPassword(bouncer.urlFor(`lingudesk_${s}`), password(s))

describe('every role through pgBouncer (transaction mode, the shipped ini)', () => {
  it('serves a learner end to end: register, content, credits, a paid call settled, status', async () => {
    const b = p.browser()
    await b.register()
    const deck = await b.call('POST', '/api/decks', {
      body: { name: 'Bouncer', sourceLang: 'de', targetLang: 'en' },
    })
    expect(deck.status).toBe(201)
    const card = await b.call('POST', `/api/decks/${deck.body.id}/cards`, {
      body: { front: 'Haus', back: 'house' },
    })
    expect(card.status).toBe(201)
    expect((await b.call('GET', '/api/credits/balance')).body).toMatchObject({
      balance: 500_000,
      held: 0,
    })
    const image = await b.call('POST', '/api/ai/image', {
      body: { prompt: 'a house' },
      headers: { 'idempotency-key': 'bouncer-image-1' },
    })
    expect(image.body).toMatchObject({ plugin: 'offline', cost: 3000 })
    const again = await b.call('POST', '/api/ai/image', {
      body: { prompt: 'a house' },
      headers: { 'idempotency-key': 'bouncer-image-1' },
    })
    expect(again.status).toBe(200) // a replay: charged once
    const after = (await b.call('GET', '/api/credits/balance')).body
    expect(after.balance - after.pending).toBe(500_000 - 3000) // sub-cent usage waits as pending
    expect((await b.call('GET', '/api/status')).body).toEqual({ status: 'up' }) // every core service answered
    for (const role of [p.backend, p.auth, p.credit, must(p.ai)])
      expect((await fetch(`${role.url}/readyz`)).status).toBe(200)
  })

  it('keeps each login’s statement timeout, and cancels a slow query with it', async () => {
    for (const s of ['auth', 'credit', 'ai'] as const) {
      const db = createPgDb(viaBouncer(s), `lingudesk_${s}`, 1)
      expect(await db.query('show statement_timeout')).toEqual([{ statement_timeout: '15s' }]) // migration 0013
      await db.close()
    }
    const backend = createPgDb(viaBouncer('backend'), 'lingudesk_backend', 2)
    try {
      await expect(backend.query('select pg_sleep(2)')).rejects.toMatchObject({ code: '57014' }) // query_canceled
      await expect(backend.transaction((sql) => sql('select pg_sleep(2)'))).rejects.toMatchObject({
        code: '57014',
      })
      expect(await backend.query('select 1 as ok')).toEqual([{ ok: 1 }])
    } finally {
      await backend.close()
    }
  })

  it('refuses a session setting sent at connection start instead of dropping it', async () => {
    const client = new pg.Client({
      connectionString: viaBouncer('credit'),
      statement_timeout: 1000,
    })
    await expect(client.connect()).rejects.toThrow(
      /unsupported startup parameter: statement_timeout/,
    )
  })
})

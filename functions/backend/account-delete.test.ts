import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeAi, startFakeAi } from '../../test/fake-ai'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { startRedisServer } from '../../test/redis-server'
import { must } from '../../test/must'

let fake: FakeAi
let redis: Awaited<ReturnType<typeof startRedisServer>>
let p: PlatformHarness
beforeAll(async () => {
  fake = await startFakeAi()
  redis = await startRedisServer() // its own, so every key in it can be searched
  p = await platformHarness({
    redisUrl: redis.url,
    aiEnv: {
      DEEPSEEK_API_KEY: 'k',
      DEEPSEEK_BASE_URL: fake.openAiUrl,
      FLUX_API_KEY: 'k',
      FLUX_BASE_URL: fake.openAiUrl,
      CHATTERBOX_BASE_URL: fake.openAiUrl,
    },
  })
})
afterAll(async () => {
  await p?.close()
  await fake?.close()
  await redis?.stop()
})

const learner = async () => {
  const b = p.browser()
  const { email, password, res } = await b.register()
  return Object.assign(b, { email, password, userId: res.body.user.id as string })
}

/** Every row of every table in our schemas whose text holds one of the needles (case-insensitive). */
async function rowsMentioning(needles: string[]) {
  const tables = await p.db.owner.query<{ name: string }>(
    `select format('%I.%I', table_schema, table_name) as name from information_schema.tables
      where table_schema in ('public', 'auth', 'credit', 'ai', 'content', 'audit') and table_type = 'BASE TABLE'`,
  )
  expect(tables.map((t) => t.name)).toEqual(
    expect.arrayContaining([
      'credit.transactions',
      'audit.events',
      'content.cards',
      'auth.sessions',
    ]),
  )
  const hits: string[] = []
  for (const { name } of tables) {
    const rows = await p.db.owner.query<{ row: string }>(
      `select t::text as row from ${name} t where lower(t::text) like any($1)`,
      [needles.map((n) => `%${n.toLowerCase()}%`)],
    )
    hits.push(...rows.map((r) => `${name}: ${r.row}`))
  }
  return hits
}

async function redisMentioning(needles: string[]) {
  const r = new Redis(redis.url)
  const hits: string[] = []
  for (const key of await r.keys('*')) {
    const type = await r.type(key)
    const value =
      type === 'string'
        ? await r.get(key)
        : type === 'hash'
          ? JSON.stringify(await r.hgetall(key))
          : type
    if (needles.some((n) => `${key} ${value}`.toLowerCase().includes(n.toLowerCase())))
      hits.push(key)
  }
  r.disconnect()
  return hits
}

const s3 = () =>
  new S3Client({
    endpoint: must(p.s3).S3_ENDPOINT,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  })

async function bucket() {
  const client = s3()
  const objects = new Map<string, string>()
  for (const o of (await client.send(new ListObjectsV2Command({ Bucket: 'ai-media' }))).Contents ??
    []) {
    const body = await client.send(new GetObjectCommand({ Bucket: 'ai-media', Key: must(o.Key) }))
    objects.set(
      must(o.Key),
      Buffer.from(await must(body.Body).transformToByteArray()).toString('latin1'),
    )
  }
  return objects
}

async function enrichedCard(b: Awaited<ReturnType<typeof learner>>, front: string) {
  const deck = (
    await b.call('POST', '/api/decks', {
      body: { name: 'Nouns', sourceLang: 'de', targetLang: 'en' },
    })
  ).body
  const card = (await b.call('POST', `/api/decks/${deck.id}/cards`, { body: { front } })).body
  expect((await b.call('POST', `/api/cards/${card.id}/ai/translate`, { body: {} })).status).toBe(
    200,
  )
  const image = await b.call('POST', `/api/cards/${card.id}/ai/image`, { body: {} })
  expect(image.status).toBe(200)
  const [reviewable] = (await b.call('GET', `/api/study/queue?deckId=${deck.id}`)).body.cards
  await b.call('POST', '/api/study/review', {
    body: { cardId: reviewable.id, grade: 'good', version: reviewable.version, durationMs: 900 },
  })
  return { deck, card, imageKey: image.body.card.imageKey as string }
}

describe('account deletion', () => {
  it('asks for the password and deletes nothing when it is wrong', async () => {
    const b = await learner()
    const { deck } = await enrichedCard(b, 'Stuhl')
    const wrong = await b.call('POST', '/api/account/delete', {
      body: { password: 'not my password' },
    })
    expect(wrong.status).toBe(403)
    expect(wrong.body.error).toMatchObject({ code: 'FORBIDDEN', message: 'The password is wrong' })
    expect(
      (await b.call('POST', '/api/account/delete', { body: {} })).body.error.details[0].path,
    ).toBe('password')
    expect(
      (await b.call('POST', '/api/account/delete', { body: { password: b.password }, auth: false }))
        .status,
    ).toBe(401)
    expect((await b.call('GET', `/api/decks/${deck.id}`)).body.cardCount).toBe(1)
  })

  it('erases content, media, sessions, Redis keys and personal fields; keeps the ledger under a pseudonym', async () => {
    const b = await learner()
    const own = await enrichedCard(b, 'Fenster')
    // Another learner with an image for the same word: their own object, which must survive.
    const other = await learner()
    await enrichedCard(b, 'Tisch')
    const shared = await enrichedCard(other, 'Tisch')
    const ledger = async () =>
      (
        await p.db.owner.query<{ n: number; total: string }>(
          `select count(*)::int as n, coalesce(sum(amount), 0)::text as total from credit.transactions`,
        )
      )[0]
    const before = await ledger()
    expect(await rowsMentioning([b.userId])).not.toEqual([])
    expect(await redisMentioning([b.userId])).not.toEqual([])

    const cookies = new Map(b.jar)
    const res = await b.call('POST', '/api/account/delete', { body: { password: b.password } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ deleted: true })
    expect(res.setCookie.join()).toMatch(/ld_refresh=;.*Max-Age=0/i)

    expect(await rowsMentioning([b.userId, b.email])).toEqual([])
    expect(await redisMentioning([b.userId, b.email])).toEqual([])
    const objects = await bucket()
    expect(objects.has(own.imageKey)).toBe(false)
    expect(objects.has(shared.imageKey)).toBe(true)
    expect(
      [...objects].filter(
        ([k, v]) => `${k}${v}`.includes(b.userId) || `${k}${v}`.includes(b.email),
      ),
    ).toEqual([])

    // Accounting keeps every row and the total, under one fresh id nothing links to the person.
    expect(await ledger()).toEqual(before)
    const pseudonyms = await p.db.owner.query<{ id: string; email: string }>(
      `select id, email from public.users where status = 'deleted'`,
    )
    expect(pseudonyms).toHaveLength(1)
    const [kept] = await p.db.owner.query<{ n: number }>(
      `select count(*)::int as n from credit.transactions where user_id = $1`,
      [pseudonyms[0].id],
    )
    expect(kept.n).toBeGreaterThan(0)
    const [audited] = await p.db.owner.query(
      `select action, ip from audit.events where subject_id = $1 and action = 'user.register'`,
      [pseudonyms[0].id],
    )
    expect(audited).toEqual({ action: 'user.register', ip: null })
    await p.smtp.latest(b.email, /account was deleted/)

    // Signed out for good (the old refresh cookie included), and the other learner loses nothing.
    for (const [k, v] of cookies) b.jar.set(k, v)
    expect((await b.call('POST', '/api/auth/refresh', { auth: false })).status).toBe(401)
    const stale = await b.call('POST', '/api/decks', {
      body: { name: 'After', sourceLang: 'de', targetLang: 'en' },
    }) // access token not yet expired
    expect([stale.status, stale.body.error.code]).toEqual([401, 'UNAUTHORIZED'])
    expect(
      (
        await p
          .browser()
          .call('POST', '/api/auth/login', { body: { email: b.email, password: b.password } })
      ).status,
    ).toBe(401)
    expect((await other.call('GET', `/api/cards/${shared.card.id}`)).body.imageKey).toBe(
      shared.imageKey,
    )
    expect((await other.call('GET', `/api/ai/media/${shared.imageKey}`)).status).toBe(200)
  })

  it('is safe to repeat: erasing an erased id changes nothing', async () => {
    const b = await learner()
    expect(
      (await b.call('POST', '/api/account/delete', { body: { password: b.password } })).status,
    ).toBe(200)
    const again = await p.service('auth', `/internal/users/${b.userId}/erase`, { body: {} })
    expect(again).toEqual({ status: 200, body: { erased: false, pseudonym: null } })
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { must } from '../../test/must'

// The inputs that gave 500s (issue 15), through the public API to the roles as separate processes.
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({
    processes: true,
    aiEnv: {},
    backendEnv: { RATE_LIMIT_STANDARD: '100000/60', RATE_LIMIT_AI: '100000/60' },
  })
}, 120_000) // four role processes, each compiling its TypeScript as it starts
afterAll(() => p?.close())

const learner = async () => {
  const b = p.browser()
  await b.register()
  const deck = (
    await b.call('POST', '/api/decks', {
      body: { name: 'Verbs', sourceLang: 'de', targetLang: 'en' },
    })
  ).body
  const card = (await b.call('POST', `/api/decks/${deck.id}/cards`, { body: { front: 'gehen' } }))
    .body
  return Object.assign(b, { deck, card })
}
const fieldsOf = (res: { body: { error: { details: { path: string }[] } } }) =>
  res.body.error.details.map((d) => d.path)

describe('text with NUL or an unpaired surrogate', () => {
  it.each([
    ['NUL', 'a\u0000b', 'must not contain NUL characters'],
    ['a lone surrogate', 'a\uD800b', 'must not contain unpaired surrogates'],
  ])(
    'is refused with 400 naming the field on every route that took it (%s)',
    async (_what, bad, message) => {
      const b = await learner()
      const { deck, card } = b
      const sends: [string, string, unknown, string][] = [
        ['POST', '/api/decks', { name: bad, sourceLang: 'de', targetLang: 'en' }, 'name'],
        [
          'POST',
          '/api/decks',
          { name: 'ok', description: bad, sourceLang: 'de', targetLang: 'en' },
          'description',
        ],
        ['PATCH', `/api/decks/${deck.id}`, { name: bad }, 'name'],
        ['POST', `/api/decks/${deck.id}/cards`, { front: 'x', back: bad }, 'back'],
        [
          'POST',
          `/api/decks/${deck.id}/cards`,
          { cards: [{ front: 'x' }, { front: 'y', tags: ['ok', bad] }] },
          'cards.1.tags.1',
        ],
        [
          'PATCH',
          `/api/cards/${card.id}`,
          { examples: [{ sentence: bad, translation: 'x' }] },
          'examples.0.sentence',
        ],
        [
          'POST',
          '/api/auth/register',
          { email: 'n@example.com', password: 'a long passphrase', name: bad },
          'name',
        ],
        ['POST', '/api/ai/translate', { text: bad, from: 'de', to: 'en' }, 'text'],
        [
          'POST',
          '/api/decks',
          { name: 'ok', sourceLang: 'de', targetLang: 'en', [bad]: 1 },
          JSON.stringify(bad),
        ],
      ]
      for (const [method, path, body, field] of sends) {
        const res = await b.call(method, path, { body })
        expect(res.status, `${method} ${path}`).toBe(400)
        expect(res.body.error.details).toContainEqual({
          path: field,
          message: expect.stringContaining(message),
        })
      }
      expect((await b.call('GET', `/api/decks/${deck.id}/cards`)).body.items).toHaveLength(1) // nothing was added
    },
  )

  // A URL cannot carry a surrogate half (percent-encoding is UTF-8), only NUL.
  it('is refused in a query and a path, naming the parameter', async () => {
    const b = await learner()
    const search = await b.call('GET', `/api/decks/${b.deck.id}/cards?q=a%00b`)
    expect([search.status, fieldsOf(search)]).toEqual([400, ['q']])
    const media = await b.call('GET', '/api/ai/media/a%00b')
    expect([media.status, fieldsOf(media)]).toEqual([400, ['path']])
  })

  it('is refused in a CSV cell, naming its row and column', async () => {
    const b = await learner()
    const res = await fetch(`${p.backend.url}/api/decks/${b.deck.id}/import`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${b.token}`,
        'content-type': 'text/csv',
        'x-forwarded-for': b.ip,
      },
      body: 'front,back\nHaus,house\nBaum,tr\u0000ee\n',
    })
    expect(res.status).toBe(400)
    expect((await res.json()).error.details.errors).toEqual([
      { row: 3, issues: [{ path: 'back', message: 'must not contain NUL characters' }] },
    ])
  })

  it('costs nothing on a paid AI route: refused before the hold and the provider', async () => {
    const b = await learner()
    const before = (await b.call('GET', '/api/credits/balance')).body
    expect(
      (
        await b.call('POST', '/api/ai/translate', {
          body: { text: 'Baum\u0000', from: 'de', to: 'en' },
        })
      ).status,
    ).toBe(400)
    expect((await b.call('GET', '/api/credits/balance')).body).toEqual(before)
  })
})

describe('crafted cursors', () => {
  const forge = (s: string) => encodeURIComponent(btoa(s))
  it.each([
    ['an id of 36 dashes', forge(`2024-01-01T00:00:00.000Z|${'-'.repeat(36)}`)],
    ['year −271821', forge('-271821-04-20T00:00:00.000Z|00000000-0000-4000-8000-000000000000')],
    ['year 0', forge('0000-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000')],
    ['30 February', forge('2024-02-30T00:00:00.000Z|00000000-0000-4000-8000-000000000000')],
    ['a third part', forge('2024-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000|x')],
    ['not base64', '%%%'],
    ['base64 of nothing', forge('')],
  ])(
    'are 400 naming the cursor on the card list and credit history (%s)',
    async (_what, cursor) => {
      const b = await learner()
      for (const path of [`/api/decks/${b.deck.id}/cards`, '/api/credits/history']) {
        const res = await b.call('GET', `${path}?cursor=${cursor}`)
        expect(res.status, path).toBe(400)
        expect(fieldsOf(res)).toEqual(['cursor'])
      }
    },
  )
})

describe('deeply nested JSON', () => {
  const deep = '['.repeat(10_000) + ']'.repeat(10_000)
  it('is refused with 400 at the edge of every inner role, before auth or any route runs', async () => {
    const b = await learner()
    for (const url of [
      `${p.backend.url}/api/decks`,
      `${p.backend.url}/api/auth/register`,
      `${p.backend.url}/api/ai/translate`,
      `${p.auth.url}/auth/register`,
      `${p.credit.url}/internal/holds`,
      `${must(p.ai).url}/ai/translate`,
    ]) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
        body: deep,
      })
      expect(res.status, url).toBe(400)
      expect((await res.json()).error.message).toBe('JSON nested deeper than 32 levels')
    }
    // 32 levels are still read (and refused by the route's schema, not the edge).
    const ok = await b.call('POST', '/api/decks', {
      body: JSON.parse('['.repeat(32) + ']'.repeat(32)),
    })
    expect(ok.body.error.message).toBe('Some fields need a change: see details')
  })

  it('is 413 over the body limit, whatever its depth', async () => {
    const res = await fetch(`${p.backend.url}/api/decks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '['.repeat(2_000_000),
    })
    expect(res.status).toBe(413)
  })
})

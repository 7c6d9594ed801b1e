import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

// Every learner route, asked without a sign-in, with bad input, and by another learner.
let p: PlatformHarness
let owner: Learner
let other: Learner
let deckId: string
let cardId: string
type Learner = ReturnType<PlatformHarness['browser']>

beforeAll(async () => {
  p = await platformHarness({ backendEnv: { RATE_LIMIT_STANDARD: '100000/60', RATE_LIMIT_AI: '100000/60' } })
  owner = p.browser()
  other = p.browser()
  await owner.register()
  await other.register()
  deckId = (await owner.call('POST', '/api/decks', { body: { name: 'Mine', sourceLang: 'es', targetLang: 'en' } })).body.id
  cardId = (await owner.call('POST', `/api/decks/${deckId}/cards`, { body: { front: 'la casa', back: 'the house' } })).body.id
})
afterAll(() => p.close())

const AI = ['translate', 'examples', 'explain', 'image', 'audio']
const ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/decks'], ['POST', '/api/decks', { name: 'x', sourceLang: 'de', targetLang: 'en' }],
  ['GET', '/api/decks/:deck'], ['PATCH', '/api/decks/:deck', { name: 'x' }], ['DELETE', '/api/decks/:deck'],
  ['GET', '/api/decks/:deck/cards'], ['POST', '/api/decks/:deck/cards', { front: 'x' }], ['GET', '/api/decks/:deck/export'],
  ['GET', '/api/cards/:card'], ['PATCH', '/api/cards/:card', { back: 'x' }], ['DELETE', '/api/cards/:card'],
  ['GET', '/api/cards/:card/history'], ['POST', '/api/cards/:card/history/00000000-0000-4000-8000-000000000000/restore'],
  ['GET', '/api/cards/ai/prices'], ...AI.map((a): [string, string, unknown] => ['POST', `/api/cards/:card/ai/${a}`, {}]),
  ['GET', '/api/study/queue?deckId=:deck'], ['POST', '/api/study/review', { cardId: ':card', grade: 'good', version: 0, durationMs: 1 }],
  ['POST', '/api/study/undo'], ['GET', '/api/study/settings'], ['PUT', '/api/study/settings', { timezone: 'Europe/Madrid' }],
  ['GET', '/api/stats'], ['GET', '/api/account/export'], ['POST', '/api/account/delete', { password: 'x' }],
]
const fill = (s: string) => s.replace(':deck', deckId).replace(':card', cardId)
const send = (who: Learner, method: string, path: string, body?: unknown, auth = true) =>
  who.call(method, fill(path), { body: body && JSON.parse(fill(JSON.stringify(body))), auth })

describe('learner routes', () => {
  it('answer 401 with the error shape to a caller without a sign-in', async () => {
    for (const [method, path, body] of ROUTES) {
      const res = await send(owner, method, path, body, false)
      expect([method, path, res.status, res.body?.error?.code]).toEqual([method, path, 401, 'UNAUTHORIZED'])
    }
    const imported = await fetch(`${p.backend.url}/api/decks/${deckId}/import`, { method: 'POST', body: 'front\nx\n', headers: { 'content-type': 'text/csv' } })
    expect(imported.status).toBe(401)
  })

  it('show another learner’s deck or card as missing (404) on every route that names one, and change nothing', async () => {
    for (const [method, path, body] of ROUTES.filter(([, path, body]) => /:deck|:card/.test(path + JSON.stringify(body ?? '')))) {
      const res = await send(other, method, path, body)
      expect([method, path, res.status]).toEqual([method, path, 404])
      expect(JSON.stringify(res.body)).not.toContain('la casa')
    }
    const imported = await fetch(`${p.backend.url}/api/decks/${deckId}/import`, {
      method: 'POST', body: 'front\nx\n', headers: { 'content-type': 'text/csv', authorization: `Bearer ${other.token}`, 'x-forwarded-for': other.ip },
    })
    expect(imported.status).toBe(404)
    expect((await other.call('GET', '/api/decks')).body.decks).toEqual([])
    expect((await other.call('GET', '/api/study/queue')).body.cards).toEqual([])
    const mine = await owner.call('GET', `/api/cards/${cardId}`)
    expect(mine.body).toMatchObject({ front: 'la casa', back: 'the house', version: 0 })
    expect((await owner.call('GET', `/api/decks/${deckId}`)).body).toMatchObject({ name: 'Mine', cardCount: 1 })
  })

  it('answer bad input with 400 and the failing fields in details', async () => {
    const cases: [string, string, unknown, string[]][] = [
      ['GET', '/api/decks/not-a-uuid', undefined, ['id']],
      ['POST', '/api/decks', { name: 'x'.repeat(201), sourceLang: 'de' }, ['name', 'targetLang']],
      ['GET', `/api/decks/${deckId}/cards?limit=0`, undefined, ['limit']],
      ['POST', `/api/decks/${deckId}/cards`, { front: ' ', tags: ['two words'] }, ['front', 'tags.0']],
      ['PATCH', `/api/cards/${cardId}`, { notes: 'n'.repeat(8001) }, ['notes']],
      ['PATCH', `/api/cards/${cardId}`, { imageKey: '../other.png' }, ['imageKey']],
      ['POST', `/api/cards/${cardId}/ai/examples`, { level: 'D1', n: 50 }, ['level', 'n']],
      ['GET', '/api/study/queue?limit=500', undefined, ['limit']],
      ['POST', '/api/study/review', { cardId, grade: 'perfect', version: -1 }, ['grade', 'version', 'durationMs']],
      ['PUT', '/api/study/settings', { timezone: 'Mars/Olympus', desiredRetention: 2 }, ['timezone', 'desiredRetention']],
    ]
    for (const [method, path, body, fields] of cases) {
      const res = await owner.call(method, path, { body })
      expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 400, 'BAD_REQUEST'])
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([...fields].sort())
    }
    expect((await owner.call('GET', `/api/cards/${cardId}`)).body).toMatchObject({ front: 'la casa', version: 0 })
  })
})

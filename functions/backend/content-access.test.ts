import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routeTable } from '../../deploy/routes'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

// Every learner route, asked without a sign-in, with bad input, and by another learner.
let p: PlatformHarness
let owner: Learner
let other: Learner
let deckId: string
let cardId: string
let noteId: string
let presetId: string
type Learner = ReturnType<PlatformHarness['browser']>

beforeAll(async () => {
  p = await platformHarness({
    backendEnv: { RATE_LIMIT_STANDARD: '100000/60', RATE_LIMIT_AI: '100000/60' },
  })
  owner = p.browser()
  other = p.browser()
  await owner.register()
  await other.register()
  deckId = (
    await owner.call('POST', '/api/decks', {
      body: { name: 'Mine', sourceLang: 'es', targetLang: 'en' },
    })
  ).body.id
  const card = (
    await owner.call('POST', `/api/decks/${deckId}/cards`, {
      body: { front: 'la casa', back: 'the house' },
    })
  ).body
  cardId = card.id
  noteId = card.noteId
  presetId = (await owner.call('POST', '/api/presets', { body: { name: 'Mine' } })).body.id
})
afterAll(() => p.close())

// Every backend route behind a sign-in, read from the app: a new route cannot skip these checks.
const SIGNED_IN = (await routeTable()).filter(
  (r) =>
    r.role === 'backend' && r.method !== 'ALL' && r.chain.some((m) => m.startsWith('requireUser')),
)
const IMPORT = 'POST /api/decks/:id/import' // a CSV body, not JSON: checked on its own below
// A valid body for each route that takes one (so 404 is about ownership, not input).
const BODY: Record<string, unknown> = {
  'POST /api/decks': { name: 'x', sourceLang: 'de', targetLang: 'en' },
  'PATCH /api/decks/:id': { name: 'x' },
  'POST /api/decks/:id/cards': { front: 'x' },
  'PATCH /api/cards/:id': { back: 'x' },
  'POST /api/decks/:id/notes': { type: 'reversed', fields: { front: 'x', back: 'y' } },
  'PATCH /api/notes/:id': { fields: { back: 'x' } },
  'PUT /api/notes/:id/type': { type: 'reversed' },
  'POST /api/study/review': { cardId: ':card', grade: 'good', version: 0, durationMs: 1 },
  'PUT /api/study/settings': { timezone: 'Europe/Madrid' },
  'POST /api/cards/actions': { ids: [':card'], action: 'suspend' },
  'POST /api/decks/:id/extend-today': { newCards: 1 },
  'POST /api/presets': { name: 'x' },
  'PATCH /api/presets/:id': { newPerDay: 1 },
  'POST /api/account/delete': { password: 'x' },
}
const bodyOf = (method: string, path: string) =>
  BODY[`${method} ${path}`] ?? (method === 'POST' ? {} : undefined)
const fill = (s: string) =>
  s
    .replace('/api/decks/:id', '/api/decks/:deck')
    .replace('/api/cards/:id', '/api/cards/:card')
    .replace('/api/presets/:id', `/api/presets/${presetId}`)
    .replace('/api/notes/:id', `/api/notes/${noteId}`)
    .replace(':key', 'k'.repeat(64) + '.png')
    .replace(':entryId', '00000000-0000-4000-8000-000000000000')
    .replace(':deck', deckId)
    .replace(':card', cardId)
const send = (who: Learner, method: string, path: string, body?: unknown, auth = true) =>
  who.call(method, fill(path), { body: body && JSON.parse(fill(JSON.stringify(body))), auth })

describe('learner routes', () => {
  it('answer 401 with the error shape to a caller without a sign-in', async () => {
    expect(SIGNED_IN.length).toBeGreaterThan(30)
    for (const { method, path } of SIGNED_IN) {
      const res = await send(owner, method, path, bodyOf(method, path), false)
      expect([method, path, res.status, res.body?.error?.code]).toEqual([
        method,
        path,
        401,
        'UNAUTHORIZED',
      ])
    }
    const imported = await fetch(`${p.backend.url}/api/decks/${deckId}/import`, {
      method: 'POST',
      body: 'front\nx\n',
      headers: { 'content-type': 'text/csv' },
    })
    expect(imported.status).toBe(401)
  })

  it('show another learner’s deck, card, preset or note as missing (404) on every route that names one, and change nothing', async () => {
    const naming = SIGNED_IN.filter(
      ({ method, path }) =>
        `${method} ${path}` !== IMPORT && /^\/api\/(decks|cards|presets|notes)\/:id/.test(path),
    )
    expect(naming.length).toBeGreaterThan(10)
    for (const [method, path] of [
      ...naming.map((r) => [r.method, r.path]),
      ['GET', '/api/study/queue?deckId=:deck'],
      ['POST', '/api/study/review'],
      ['POST', '/api/cards/actions'],
      ['GET', '/api/study/queue?deckId=:deck&ahead=7'],
    ]) {
      const res = await send(other, method, path, bodyOf(method, path))
      expect([method, path, res.status]).toEqual([method, path, 404])
      expect(JSON.stringify(res.body)).not.toContain('la casa')
    }
    const imported = await fetch(`${p.backend.url}/api/decks/${deckId}/import`, {
      method: 'POST',
      body: 'front\nx\n',
      headers: {
        'content-type': 'text/csv',
        authorization: `Bearer ${other.token}`,
        'x-forwarded-for': other.ip,
      },
    })
    expect(imported.status).toBe(404)
    expect((await other.call('GET', '/api/decks')).body.decks).toEqual([])
    expect((await other.call('GET', '/api/study/queue')).body.cards).toEqual([])
    expect((await owner.call('GET', `/api/notes/${noteId}`)).body.fields).toEqual({
      front: 'la casa',
      back: 'the house',
    })
    const mine = await owner.call('GET', `/api/cards/${cardId}`)
    expect(mine.body).toMatchObject({ front: 'la casa', back: 'the house', version: 0 })
    expect((await owner.call('GET', `/api/decks/${deckId}`)).body).toMatchObject({
      name: 'Mine',
      cardCount: 1,
    })
  })

  it('answer bad input with 400 and the failing fields in details', async () => {
    // [method, route, the call, its body, the fields named in details]: one case for every validated route.
    const cases: [string, string, string, unknown, string[]][] = [
      ['GET', '/api/decks/:id', '/api/decks/not-a-uuid', undefined, ['id']],
      [
        'POST',
        '/api/decks',
        '/api/decks',
        { name: 'x'.repeat(201), sourceLang: 'de' },
        ['name', 'targetLang'],
      ],
      [
        'PATCH',
        '/api/decks/:id',
        `/api/decks/${deckId}`,
        { name: 'x'.repeat(201), desiredRetention: 1.5, presetId: 'x' },
        ['name', 'desiredRetention', 'presetId'],
      ],
      ['DELETE', '/api/decks/:id', '/api/decks/not-a-uuid', undefined, ['id']],
      [
        'GET',
        '/api/decks/:id/cards',
        `/api/decks/${deckId}/cards?limit=0&is=lazy&flag=9`,
        undefined,
        ['limit', 'is', 'flag'],
      ],
      [
        'POST',
        '/api/decks/:id/cards',
        `/api/decks/${deckId}/cards`,
        { front: ' ', tags: ['two words'] },
        ['front', 'tags.0'],
      ],
      ['POST', '/api/decks/:id/import', `/api/decks/${deckId}/import?dryRun=maybe`, {}, ['dryRun']],
      ['GET', '/api/decks/:id/export', '/api/decks/not-a-uuid/export', undefined, ['id']],
      ['GET', '/api/decks/:id/export.apkg', '/api/decks/x/export.apkg', undefined, ['id']],
      [
        'GET',
        '/api/decks/:id/retention-forecast',
        '/api/decks/x/retention-forecast',
        undefined,
        ['id'],
      ],
      ['POST', '/api/imports/anki', '/api/imports/anki?dryRun=maybe', {}, ['dryRun']],
      ['GET', '/api/imports/:id', '/api/imports/not-a-uuid', undefined, ['id']],
      ['GET', '/api/cards/:id', '/api/cards/not-a-uuid', undefined, ['id']],
      ['PATCH', '/api/cards/:id', `/api/cards/${cardId}`, { notes: 'n'.repeat(8001) }, ['notes']],
      ['DELETE', '/api/cards/:id', '/api/cards/not-a-uuid', undefined, ['id']],
      ['GET', '/api/cards/:id/history', '/api/cards/not-a-uuid/history', undefined, ['id']],
      [
        'POST',
        '/api/cards/:id/history/:entryId/restore',
        `/api/cards/${cardId}/history/7/restore`,
        {},
        ['entryId'],
      ],
      [
        'POST',
        '/api/cards/:id/ai/examples',
        `/api/cards/${cardId}/ai/examples`,
        { level: 'D1', n: 50 },
        ['level', 'n'],
      ],
      ...['translate', 'explain', 'image', 'audio'].map(
        (a): [string, string, string, unknown, string[]] => [
          'POST',
          `/api/cards/:id/ai/${a}`,
          `/api/cards/${cardId}/ai/${a}`,
          { refresh: 'yes' },
          ['refresh'],
        ],
      ),
      ['GET', '/api/decks/:id/notes', `/api/decks/${deckId}/notes?limit=0`, undefined, ['limit']],
      [
        'POST',
        '/api/decks/:id/notes',
        `/api/decks/${deckId}/notes`,
        { type: 'cloze', fields: { text: 'no deletion', extra: 'x' } },
        ['fields', 'fields.text'],
      ],
      ['GET', '/api/notes/:id', '/api/notes/not-a-uuid', undefined, ['id']],
      [
        'PATCH',
        '/api/notes/:id',
        `/api/notes/${noteId}`,
        { fields: { front: 5 }, removeEmptyCards: 'yes' },
        ['fields.front', 'removeEmptyCards'],
      ],
      ['DELETE', '/api/notes/:id', '/api/notes/not-a-uuid', undefined, ['id']],
      [
        'PUT',
        '/api/notes/:id/type',
        `/api/notes/${noteId}/type`,
        { type: 'audio', confirm: 'yes' },
        ['type', 'confirm'],
      ],
      [
        'GET',
        '/api/study/queue',
        '/api/study/queue?limit=500&ahead=0',
        undefined,
        ['limit', 'ahead'],
      ],
      ['POST', '/api/cards/:id/media', '/api/cards/not-a-uuid/media', undefined, ['id']],
      [
        'POST',
        '/api/cards/actions',
        '/api/cards/actions',
        { ids: ['x'], action: 'flag', flag: 9 },
        ['ids.0', 'flag'],
      ],
      [
        'POST',
        '/api/decks/:id/extend-today',
        `/api/decks/${deckId}/extend-today`,
        { newCards: 0, reviews: 0 },
        ['newCards'],
      ],
      [
        'POST',
        '/api/presets',
        '/api/presets',
        { name: '', leechAction: 'delete' },
        ['name', 'leechAction'],
      ],
      [
        'PATCH',
        '/api/presets/:id',
        `/api/presets/${presetId}`,
        { leechThreshold: 0 },
        ['leechThreshold'],
      ],
      ['DELETE', '/api/presets/:id', '/api/presets/not-a-uuid', undefined, ['id']],
      [
        'POST',
        '/api/study/review',
        '/api/study/review',
        { cardId, grade: 'perfect', version: -1 },
        ['grade', 'version', 'durationMs'],
      ],
      [
        'PUT',
        '/api/study/settings',
        '/api/study/settings',
        { timezone: 'Mars/Olympus', desiredRetention: 2 },
        ['timezone', 'desiredRetention'],
      ],
      ['POST', '/api/account/delete', '/api/account/delete', { password: '' }, ['password']],
    ]
    // Admin routes refuse a learner before validation: admin-console.test.ts checks their bad input.
    const validated = SIGNED_IN.filter(
      (r) => r.chain.some((m) => m.startsWith('validate')) && !r.path.startsWith('/api/admin/'),
    ).map((r) => `${r.method} ${r.path}`)
    expect(cases.map(([method, route]) => `${method} ${route}`).sort()).toEqual(validated.sort())
    for (const [method, , path, body, fields] of cases) {
      const res = await owner.call(method, path, { body })
      expect([method, path, res.status, res.body.error.code]).toEqual([
        method,
        path,
        400,
        'BAD_REQUEST',
      ])
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(
        [...fields].sort(),
      )
    }
    expect((await owner.call('GET', `/api/cards/${cardId}`)).body).toMatchObject({
      front: 'la casa',
      version: 0,
    })
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

// AI on a card through the real backend, ai (offline plugin) and credit roles: what the learner wrote stays.
let p: PlatformHarness
let b: ReturnType<PlatformHarness['browser']>
let deckId: string
beforeAll(async () => {
  p = await platformHarness({
    backendEnv: { RATE_LIMIT_STANDARD: '100000/60', RATE_LIMIT_AI: '100000/60' },
    aiEnv: {},
  })
  b = p.browser()
  await b.register()
  deckId = (
    await b.call('POST', '/api/decks', {
      body: { name: 'Tiere', sourceLang: 'de', targetLang: 'en' },
    })
  ).body.id
})
afterAll(() => p.close())

const card = async (fields: Record<string, unknown>) =>
  (await b.call('POST', `/api/decks/${deckId}/cards`, { body: fields })).body
const ai = async (id: string, action: string, body: unknown = {}) => {
  const res = await b.call('POST', `/api/cards/${id}/ai/${action}`, { body })
  expect(res.status).toBe(200)
  return res.body
}

describe('AI on a card', () => {
  it('fills an empty field, and proposes instead of replacing what the learner wrote', async () => {
    const blank = await card({ front: 'die Katze' })
    const filled = await ai(blank.id, 'translate')
    expect(filled).toMatchObject({ applied: 'back', proposal: null, demo: true })
    expect(filled.card.back).toContain('die Katze')

    const mine = await card({ front: 'der Hund', back: 'the dog', notes: 'my own note' })
    const translated = await ai(mine.id, 'translate')
    expect(translated).toMatchObject({
      applied: null,
      proposal: { field: 'back', value: expect.stringContaining('der Hund') },
    })
    expect(translated.card).toMatchObject({ back: 'the dog' })
    const explained = await ai(mine.id, 'explain')
    expect(explained).toMatchObject({ applied: null, proposal: { field: 'notes' } })
    expect((await b.call('GET', `/api/cards/${mine.id}`)).body).toMatchObject({
      back: 'the dog',
      notes: 'my own note',
    })
    expect((await b.call('GET', `/api/cards/${mine.id}/history`)).body.items).toEqual([])
  })

  it('adds examples level by level, keeping the ones already there', async () => {
    const c = await card({
      front: 'laufen',
      examples: [{ sentence: 'Ich laufe.', translation: 'I run.' }],
    })
    await ai(c.id, 'examples', { level: 'B1', n: 3 })
    const both = await ai(c.id, 'examples', { level: 'A1', n: 2 })
    expect(both.applied).toBe('examples')
    expect(both.card.examples.map((e: { level?: string }) => e.level ?? 'mine')).toEqual([
      'mine',
      'B1',
      'B1',
      'B1',
      'A1',
      'A1',
    ])
    const again = await ai(c.id, 'examples', { level: 'A1', n: 2 }) // the same sentences: nothing new
    expect([again.applied, again.card.examples.length]).toEqual([null, 6])
  })

  it('keeps every change in the card’s history, and undoes any of them, media included', async () => {
    const c = await card({ front: 'das Haus', back: 'the house' })
    const image = await ai(c.id, 'image')
    expect(image.applied).toBe('imageKey')
    await b.call('PATCH', `/api/cards/${c.id}`, { body: { back: 'a house', imageKey: null } })
    const { items } = (await b.call('GET', `/api/cards/${c.id}/history`)).body
    expect(items.map((i: { change: string }) => i.change)).toEqual(['edit', 'ai.image'])
    expect(items[0].before).toMatchObject({ back: 'the house', imageKey: image.card.imageKey })

    const undone = await b.call('POST', `/api/cards/${c.id}/history/${items[0].id}/restore`)
    expect(undone.body).toMatchObject({ back: 'the house', imageKey: image.card.imageKey })
    const after = (await b.call('GET', `/api/cards/${c.id}/history`)).body.items
    expect(after[0]).toMatchObject({
      change: 'restore',
      before: { back: 'a house', imageKey: null },
    })
    // Accepting a proposed medium: a key from an AI answer, set by PATCH.
    const other = await card({ front: 'der Baum' })
    const key = (await ai(other.id, 'image')).card.imageKey
    expect(
      (await b.call('PATCH', `/api/cards/${c.id}`, { body: { imageKey: key } })).body.imageKey,
    ).toBe(key)
    expect(
      (await b.call('POST', `/api/cards/${c.id}/history/${items[1].id}/restore`)).body.imageKey,
    ).toBeNull()
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({ backendEnv: { RATE_LIMIT_STANDARD: '100000/60' } })
})
afterAll(() => p.close())

type Learner = ReturnType<PlatformHarness['browser']>
type Note = {
  id: string
  type: string
  fields: Record<string, string>
  cards: { id: string; ord: number; front: string; back: string; state: number }[]
}
const learner = async () => {
  const b = p.browser()
  await b.register()
  return b
}
const setUp = async (b: Learner, type: string, fields: Record<string, string>) => {
  const deck = (
    await b.call('POST', '/api/decks', {
      body: { name: 'Types', sourceLang: 'de', targetLang: 'en' },
    })
  ).body as { id: string }
  const res = await b.call('POST', `/api/decks/${deck.id}/notes`, { body: { type, fields } })
  expect(res.status).toBe(201)
  return res.body as Note
}
const review = (b: Learner, cardId: string) =>
  b.call('POST', '/api/study/review', {
    body: { cardId, grade: 'good', version: 0, durationMs: 1 },
  })
const reviewsOf = async (cardId: string) =>
  (await p.db.owner.query(`select 1 from content.reviews where card_id = $1`, [cardId])).length
const faces = (n: Note) => n.cards.map(({ ord, front, back }) => ({ ord, front, back }))

describe('PUT /api/notes/:id/type', () => {
  it('adds the reverse card going to reversed, and deletes it going back only once confirmed', async () => {
    const b = await learner()
    const note = await setUp(b, 'basic', { front: 'Hund', back: 'dog' })
    const change = (body: unknown) => b.call('PUT', `/api/notes/${note.id}/type`, { body })
    expect(await review(b, note.cards[0].id)).toMatchObject({ status: 200 })
    const reversed = (await change({ type: 'reversed' })).body as Note
    expect(faces(reversed)).toEqual([
      { ord: 0, front: 'Hund', back: 'dog' },
      { ord: 1, front: 'dog', back: 'Hund' },
    ])
    expect(reversed.cards[0]).toMatchObject({ id: note.cards[0].id, state: 1 }) // its schedule kept
    const reverse = reversed.cards[1].id
    expect(await review(b, reverse)).toMatchObject({ status: 200 })

    const asked = await change({ type: 'basic' })
    expect([asked.status, asked.body.error.code, asked.body.error.details]).toEqual([
      409,
      'CONFLICT',
      { cards: 1, reviews: 1 },
    ])
    expect(asked.body.error.message).toBe(
      'Changing to Basic deletes 1 card and 1 review: confirm to go ahead',
    )
    expect((await b.call('GET', `/api/notes/${note.id}`)).body.cards).toHaveLength(2) // nothing changed

    const basic = (await change({ type: 'basic', confirm: true })).body as Note
    expect([basic.type, faces(basic)]).toEqual(['basic', [{ ord: 0, front: 'Hund', back: 'dog' }]])
    expect([await reviewsOf(note.cards[0].id), await reviewsOf(reverse)]).toEqual([1, 0])
  })

  it('maps fields to and from cloze, keeping the first card; refuses a cloze without a deletion', async () => {
    const b = await learner()
    const note = await setUp(b, 'basic', { front: 'Rom liegt in Italien.', back: 'Latium' })
    const change = (body: unknown) => b.call('PUT', `/api/notes/${note.id}/type`, { body })
    const refused = await change({ type: 'cloze' })
    expect([refused.status, refused.body.error.details.issues[0].path]).toEqual([
      400,
      'fields.text',
    ])
    await review(b, note.cards[0].id)

    const text = '{{c1::Rom}} liegt in {{c2::Italien}}.'
    const cloze = (await change({ type: 'cloze', fields: { text, backExtra: 'Latium' } }))
      .body as Note
    expect([cloze.type, cloze.fields]).toEqual(['cloze', { text, backExtra: 'Latium' }])
    expect(cloze.cards.map((c) => [c.ord, c.state])).toEqual([
      [1, 1], // the basic card became c1 with its review
      [2, 0],
    ])
    expect(await reviewsOf(note.cards[0].id)).toBe(1)

    const typed = await change({ type: 'typed', confirm: true })
    expect(typed.status).toBe(200)
    expect([typed.body.fields, faces(typed.body)]).toEqual([
      { front: 'Rom liegt in Italien.', back: 'Latium' },
      [{ ord: 0, front: 'Rom liegt in Italien.', back: 'Latium' }],
    ])
    expect(typed.body.cards[0]).toMatchObject({ id: note.cards[0].id, state: 1 })
  })

  it('keeps the reverse card going from reversed to optional reversed', async () => {
    const b = await learner()
    const note = await setUp(b, 'reversed', { front: 'Katze', back: 'cat' })
    const res = await b.call('PUT', `/api/notes/${note.id}/type`, {
      body: { type: 'optional-reversed' },
    })
    expect([
      res.status,
      res.body.fields.addReverse,
      res.body.cards.map((c: Note['cards'][0]) => c.id),
    ]).toEqual([200, 'y', note.cards.map((c) => c.id)])
  })

  it('answers 404 for another learner’s note and 400 for an unknown type', async () => {
    const [owner, other] = [await learner(), await learner()]
    const note = await setUp(owner, 'basic', { front: 'Maus', back: 'mouse' })
    const put = (b: Learner, body: unknown) => b.call('PUT', `/api/notes/${note.id}/type`, { body })
    expect((await put(other, { type: 'reversed', confirm: true })).status).toBe(404)
    const bad = await put(owner, { type: 'anki' })
    expect([bad.status, bad.body.error.details.map((d: { path: string }) => d.path)]).toEqual([
      400,
      ['type'],
    ])
    expect((await owner.call('GET', `/api/notes/${note.id}`)).body.type).toBe('basic')
  })
})

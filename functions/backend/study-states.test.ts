import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { becomesLeech } from '../../lib/content/study'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

// Suspend, bury, flag, leeches, custom study and deck options through the public API.
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({ backendEnv: { RATE_LIMIT_STANDARD: '100000/60' } })
})
afterAll(() => p.close())

type Learner = ReturnType<PlatformHarness['browser']>
const learner = async () => {
  const b = p.browser()
  await b.register()
  return b
}
const deckWith = async (b: Learner, fronts: string[], extra = {}) => {
  const deck = (
    await b.call('POST', '/api/decks', {
      body: { name: 'Wörter', sourceLang: 'de', targetLang: 'en', ...extra },
    })
  ).body
  const cards = (
    await b.call('POST', `/api/decks/${deck.id}/cards`, {
      body: {
        cards: fronts.map((front) => ({ front, tags: [front.length > 4 ? 'long' : 'short'] })),
      },
    })
  ).body.cards as { id: string; front: string }[]
  return { deck, cards }
}
const queue = async (b: Learner, q = '') =>
  (await b.call('GET', `/api/study/queue${q}`)).body as {
    cards: { id: string; front: string; version: number; autoplay: boolean }[]
    total: number
  }
const act = (b: Learner, ids: string[], action: string, flag?: number) =>
  b.call('POST', '/api/cards/actions', { body: { ids, action, flag } })
const list = async (b: Learner, deckId: string, q: string) =>
  ((await b.call('GET', `/api/decks/${deckId}/cards?${q}`)).body.items as { front: string }[]).map(
    (c) => c.front,
  )

describe('suspend, bury and flag', () => {
  it('takes suspended and buried cards out of the queue and the counts until undone or tomorrow', async () => {
    const b = await learner()
    const { deck, cards } = await deckWith(b, ['eins', 'zwei', 'drei', 'vier'])
    expect((await act(b, [cards[0].id, cards[1].id], 'suspend')).body).toEqual({ updated: 2 })
    expect((await act(b, [cards[2].id], 'bury')).status).toBe(200)
    expect((await queue(b)).cards.map((c) => c.front)).toEqual(['vier'])
    expect((await b.call('GET', `/api/decks/${deck.id}`)).body).toMatchObject({
      newCount: 1,
      newTotal: 1,
      cardCount: 4,
    })
    expect(await list(b, deck.id, 'is=suspended')).toEqual(['eins', 'zwei'])
    expect(await list(b, deck.id, 'is=buried')).toEqual(['drei'])
    const buried = (await b.call('GET', `/api/cards/${cards[2].id}`)).body
    // Buried until the learner's next day starts (UTC until a time zone is set)
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    expect(buried.buriedUntil).toBe(`${tomorrow}T00:00:00.000Z`)
    await act(b, [cards[0].id], 'unsuspend')
    await act(b, [cards[2].id], 'unbury')
    expect((await queue(b)).cards.map((c) => c.front)).toEqual(['eins', 'drei', 'vier'])
  })

  it('buries until midnight in the learner’s time zone', async () => {
    const b = await learner()
    const { cards } = await deckWith(b, ['Mond'])
    await b.call('PUT', '/api/study/settings', { body: { timezone: 'Asia/Tokyo' } })
    await act(b, [cards[0].id], 'bury')
    const until = new Date((await b.call('GET', `/api/cards/${cards[0].id}`)).body.buriedUntil)
    const tokyo = (d: Date) => d.toLocaleString('sv', { timeZone: 'Asia/Tokyo' })
    expect(tokyo(until).slice(11)).toBe('00:00:00')
    expect(until.getTime() - Date.now()).toBeGreaterThan(0)
    expect(until.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000)
  })

  it('flags cards in colours, filters by flag, and clears them', async () => {
    const b = await learner()
    const { deck, cards } = await deckWith(b, ['rot', 'blau', 'grau'])
    await act(b, [cards[0].id], 'flag', 1)
    await act(b, [cards[1].id], 'flag', 4)
    expect(await list(b, deck.id, 'is=flagged')).toEqual(['rot', 'blau'])
    expect(await list(b, deck.id, 'is=flagged&flag=4')).toEqual(['blau'])
    await act(b, [cards[0].id, cards[1].id], 'flag', 0)
    expect(await list(b, deck.id, 'is=flagged')).toEqual([])
    const bad = await act(b, [cards[0].id], 'suspend', 2)
    expect([bad.status, bad.body.error.details[0].path]).toEqual([400, 'flag'])
  })

  it('changes nothing when any card in the list is another learner’s (404 naming it)', async () => {
    const a = await learner()
    const other = await learner()
    const mine = (await deckWith(a, ['meins'])).cards[0]
    const theirs = (await deckWith(other, ['seins'])).cards[0]
    const res = await act(a, [mine.id, theirs.id], 'suspend')
    expect([res.status, res.body.error.details]).toEqual([404, { missing: [theirs.id] }])
    expect((await a.call('GET', `/api/cards/${mine.id}`)).body.suspended).toBe(false)
    expect((await other.call('GET', `/api/cards/${theirs.id}`)).body.suspended).toBe(false)
  })
})

describe('leeches', () => {
  it('counts as in Anki: at the threshold, then every half threshold', () => {
    expect([7, 8, 9, 10, 11, 12].map((n) => becomesLeech(n - 1, n, 8))).toEqual([
      false,
      true,
      false,
      false,
      false,
      true,
    ])
    expect(becomesLeech(8, 8, 8)).toBe(false) // no new lapse
  })

  // A card in review with `lapses` lapses, due now: the next "again" is one more lapse.
  const lapsing = async (b: Learner, deckExtra: object, lapses: number) => {
    const { deck, cards } = await deckWith(b, ['schwer'], deckExtra)
    const due = new Date(Date.now() - 60_000)
    const fsrs = {
      due,
      stability: 3,
      difficulty: 7,
      elapsed_days: 3,
      scheduled_days: 3,
      learning_steps: 0,
      reps: lapses + 3,
      lapses,
      state: 2,
      last_review: new Date(Date.now() - 3 * 86_400_000),
    }
    await p.db.owner.query(
      `update content.cards set fsrs = $2, due = $3, state = 2 where id = $1`,
      [cards[0].id, JSON.stringify(fsrs), due],
    )
    return { deck, card: cards[0] }
  }
  const again = (b: Learner, id: string) =>
    b.call('POST', '/api/study/review', {
      body: { cardId: id, grade: 'again', version: 0, durationMs: 2000 },
    })

  it('tags and suspends a card at its deck’s threshold, says so, lists it, and undo takes it back', async () => {
    const b = await learner()
    const { deck, card } = await lapsing(b, { leechThreshold: 3 }, 2)
    const graded = await again(b, card.id)
    expect(graded.body).toMatchObject({ leech: true, suspended: true, tags: ['long', 'leech'] })
    expect((await queue(b)).total).toBe(0)
    expect(await list(b, deck.id, 'is=leech')).toEqual(['schwer'])
    expect((await b.call('GET', '/api/decks')).body.decks[0].leechCount).toBe(1)
    await b.call('POST', '/api/study/undo')
    expect((await b.call('GET', `/api/cards/${card.id}`)).body).toMatchObject({
      suspended: false,
      tags: ['long'],
    })
  })

  it('only tags when the deck says so, and not before the threshold', async () => {
    const b = await learner()
    const early = await lapsing(b, { leechThreshold: 8 }, 2)
    expect((await again(b, early.card.id)).body).toMatchObject({ leech: false, tags: ['long'] })
    const tagged = await lapsing(b, { leechThreshold: 3, leechAction: 'tag' }, 2)
    expect((await again(b, tagged.card.id)).body).toMatchObject({
      leech: true,
      suspended: false,
      tags: ['long', 'leech'],
    })
  })
})

describe('custom study', () => {
  it('adds new cards for today only, reviews ahead and studies by tag', async () => {
    const b = await learner()
    const { deck, cards } = await deckWith(b, ['a', 'b', 'c', 'dddddd', 'eeeeee'], {
      newPerDay: 1,
    })
    expect((await queue(b)).total).toBe(1)
    const extended = await b.call('POST', `/api/decks/${deck.id}/extend-today`, {
      body: { newCards: 2 },
    })
    expect(extended.body.newCount).toBe(3)
    expect((await queue(b)).total).toBe(3)
    const byTag = await queue(b, `?deckId=${deck.id}&tag=long`)
    expect([byTag.total, byTag.cards.map((c) => c.front)]).toEqual([2, ['dddddd', 'eeeeee']])
    // Learnt today with "easy": due in days, so only reviewing ahead brings it back now.
    const first = (await queue(b)).cards[0]
    await b.call('POST', '/api/study/review', {
      body: { cardId: first.id, grade: 'easy', version: first.version, durationMs: 1 },
    })
    expect((await queue(b)).cards.map((c) => c.id)).not.toContain(first.id)
    expect((await queue(b, '?ahead=1')).cards).toEqual([])
    const ahead = await queue(b, '?ahead=60')
    expect(ahead.cards.map((c) => c.id)).toEqual([first.id])
    expect(cards.map((c) => c.id)).toContain(first.id)
  })
})

describe('deck options and presets', () => {
  it('sets a deck’s own options, shares a preset between decks and keeps its values when it goes', async () => {
    const b = await learner()
    const one = (await deckWith(b, ['x'])).deck
    const two = (await deckWith(b, ['y'])).deck
    expect(one).toMatchObject({
      newPerDay: 20,
      desiredRetention: 0.9,
      leechThreshold: 8,
      leechAction: 'suspend',
      autoplay: true,
      presetId: null,
    })
    const own = await b.call('PATCH', `/api/decks/${one.id}`, {
      body: { maximumInterval: 365, autoplay: false },
    })
    expect(own.body).toMatchObject({ maximumInterval: 365, autoplay: false })
    expect((await queue(b, `?deckId=${one.id}`)).cards[0].autoplay).toBe(false)
    const preset = (
      await b.call('POST', '/api/presets', {
        body: { name: 'Vokabeln', newPerDay: 5, desiredRetention: 0.85 },
      })
    ).body
    expect(preset).toMatchObject({
      name: 'Vokabeln',
      newPerDay: 5,
      leechThreshold: 8,
      deckCount: 0,
    })
    expect((await b.call('POST', '/api/presets', { body: { name: 'Vokabeln' } })).status).toBe(409)
    for (const d of [one, two])
      await b.call('PATCH', `/api/decks/${d.id}`, { body: { presetId: preset.id } })
    await b.call('PATCH', `/api/presets/${preset.id}`, { body: { reviewsPerDay: 50 } })
    for (const d of [one, two])
      expect((await b.call('GET', `/api/decks/${d.id}`)).body).toMatchObject({
        presetId: preset.id,
        newPerDay: 5,
        reviewsPerDay: 50,
        desiredRetention: 0.85,
        maximumInterval: 36500,
      })
    expect((await b.call('GET', '/api/presets')).body.presets[0].deckCount).toBe(2)
    // Setting one option on the deck makes its options its own.
    const leaves = await b.call('PATCH', `/api/decks/${two.id}`, { body: { newPerDay: 7 } })
    expect(leaves.body).toMatchObject({ presetId: null, newPerDay: 7, reviewsPerDay: 50 })
    expect((await b.call('DELETE', `/api/presets/${preset.id}`)).status).toBe(204)
    expect((await b.call('GET', `/api/decks/${one.id}`)).body).toMatchObject({
      presetId: null,
      newPerDay: 5,
    })
    const other = await learner()
    const theirs = (await other.call('POST', '/api/presets', { body: { name: 'Theirs' } })).body
    const stolen = await b.call('PATCH', `/api/decks/${one.id}`, { body: { presetId: theirs.id } })
    expect(stolen.status).toBe(404)
  })
})

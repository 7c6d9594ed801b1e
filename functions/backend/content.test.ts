import { createEmptyCard, fsrs, generatorParameters, Rating } from 'ts-fsrs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dueQueue, gradeCard } from '../../lib/content/study'
import { asUser } from '../../lib/db/tx'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { must } from '../../test/must'

let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({
    backendEnv: {
      CONTENT_MAX_CARDS_PER_DECK: '30',
      CONTENT_MAX_BULK: '40',
      CONTENT_MAX_TAGS_PER_CARD: '3',
      CONTENT_MAX_FRONT_CHARS: '50',
      RATE_LIMIT_STANDARD: '100000/60',
    },
  })
})
afterAll(() => p.close())

const learner = async () => {
  const b = p.browser()
  const { res } = await b.register()
  return Object.assign(b, { userId: res.body.user.id as string })
}
const newDeck = async (b: Awaited<ReturnType<typeof learner>>, extra = {}) =>
  (
    await b.call('POST', '/api/decks', {
      body: { name: 'Verbs', sourceLang: 'de', targetLang: 'en', ...extra },
    })
  ).body

describe('decks and cards', () => {
  it('creates, lists with counts, edits and deletes decks and cards', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    expect(deck).toMatchObject({ name: 'Verbs', cardCount: 0, newCount: 0, dueCount: 0 })
    const bulk = await b.call('POST', `/api/decks/${deck.id}/cards`, {
      body: {
        cards: [
          { front: 'gehen', back: 'to go', tags: ['verb'] },
          { front: 'Haus', back: 'house', tags: ['noun'] },
        ],
      },
    })
    expect(bulk.status).toBe(201)
    expect((await b.call('GET', '/api/decks')).body.decks[0]).toMatchObject({
      cardCount: 2,
      newCount: 2,
    })
    expect(
      (await b.call('GET', `/api/decks/${deck.id}/cards?tag=verb`)).body.items.map(
        (c: { front: string }) => c.front,
      ),
    ).toEqual(['gehen'])
    expect(
      (await b.call('GET', `/api/decks/${deck.id}/cards?q=hou`)).body.items.map(
        (c: { front: string }) => c.front,
      ),
    ).toEqual(['Haus'])
    const page1 = await b.call('GET', `/api/decks/${deck.id}/cards?limit=1`)
    const page2 = await b.call(
      'GET',
      `/api/decks/${deck.id}/cards?limit=1&cursor=${encodeURIComponent(page1.body.nextCursor)}`,
    )
    expect([page1.body.items[0].front, page2.body.items[0].front]).toEqual(['gehen', 'Haus'])
    const edited = await b.call('PATCH', `/api/cards/${bulk.body.cards[0].id}`, {
      body: { back: 'to walk' },
    })
    expect(edited.body.back).toBe('to walk')
    expect(
      (await b.call('PATCH', `/api/decks/${deck.id}`, { body: { name: 'Verben' } })).body.name,
    ).toBe('Verben')
    expect((await b.call('DELETE', `/api/decks/${deck.id}`)).status).toBe(204)
    expect((await b.call('GET', `/api/cards/${bulk.body.cards[1].id}`)).status).toBe(404) // gone with its deck
  })

  it('answers bad input with 400 and details, and enforces the cards-per-deck limit', async () => {
    const b = await learner()
    const bad = await b.call('POST', '/api/decks', {
      body: { name: '', sourceLang: 'xx', targetLang: 'en' },
    })
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'name',
      'sourceLang',
    ])
    const deck = await newDeck(b)
    const many = Array.from({ length: 31 }, (_, i) => ({ front: `w${i}` }))
    const over = await b.call('POST', `/api/decks/${deck.id}/cards`, { body: { cards: many } })
    expect(over.body.error).toMatchObject({ code: 'BAD_REQUEST', details: { max: 30 } })
    expect((await b.call('GET', `/api/decks/${deck.id}`)).body.cardCount).toBe(0) // nothing half-added
    // Field and tag limits come from the config too (50 characters, 3 tags here).
    const long = await b.call('POST', `/api/decks/${deck.id}/cards`, {
      body: { front: 'x'.repeat(51), tags: ['a', 'b', 'c', 'd'] },
    })
    expect(long.body.error.details).toEqual([
      { path: 'front', message: 'must be at most 50 characters' },
      { path: 'tags', message: 'at most 3 tags' },
    ])
    const bulk = await b.call('POST', `/api/decks/${deck.id}/cards`, {
      body: { cards: Array.from({ length: 41 }, () => ({ front: 'w' })) },
    })
    expect(bulk.body.error.details).toEqual([
      { path: 'cards', message: 'at most 40 cards at once' },
    ])
    expect(
      (
        await b.call('PATCH', `/api/cards/00000000-0000-4000-8000-000000000000`, {
          body: { tags: ['a', 'b', 'c', 'd'] },
        })
      ).status,
    ).toBe(400)
  })

  it('shows another user’s deck and card as missing (404), and needs a sign-in (401)', async () => {
    const owner = await learner()
    const deck = await newDeck(owner)
    const card = (
      await owner.call('POST', `/api/decks/${deck.id}/cards`, { body: { front: 'Tür' } })
    ).body
    const other = await learner()
    for (const [method, path] of [
      ['GET', `/api/decks/${deck.id}`],
      ['PATCH', `/api/decks/${deck.id}`],
      ['DELETE', `/api/decks/${deck.id}`],
      ['GET', `/api/decks/${deck.id}/cards`],
      ['POST', `/api/decks/${deck.id}/cards`],
      ['GET', `/api/cards/${card.id}`],
      ['DELETE', `/api/cards/${card.id}`],
    ] as const) {
      const res = await other.call(method, path, {
        body: method === 'PATCH' ? { name: 'x' } : method === 'POST' ? { front: 'x' } : undefined,
      })
      expect([path, res.status]).toEqual([path, 404])
    }
    expect((await other.call('GET', '/api/decks', { auth: false })).status).toBe(401)
    expect((await owner.call('GET', `/api/cards/${card.id}`)).body.front).toBe('Tür')
  })
})

describe('CSV import and export', () => {
  const upload = (
    b: Awaited<ReturnType<typeof learner>>,
    deckId: string,
    csv: string,
    dryRun = false,
  ) =>
    fetch(`${p.backend.url}/api/decks/${deckId}/import?dryRun=${dryRun}`, {
      method: 'POST',
      body: csv,
      headers: {
        'content-type': 'text/csv',
        authorization: `Bearer ${b.token}`,
        'x-forwarded-for': b.ip,
      },
    }).then(async (r) => ({ status: r.status, body: await r.json() }))

  it('previews with per-row errors, imports nothing when a row is bad, and everything when all are good', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    const bad = 'front,back,tags\ngehen,to go,verb\n,empty front,\n"Haus, das",house,noun a1\n'
    const preview = await upload(b, deck.id, bad, true)
    expect(preview.body).toMatchObject({ dryRun: true, valid: 2, imported: 0 })
    expect(preview.body.errors).toEqual([
      { row: 3, issues: [{ path: 'front', message: expect.any(String) }] },
    ])
    const refused = await upload(b, deck.id, bad)
    expect(refused.status).toBe(400)
    expect(refused.body.error.details.errors[0].row).toBe(3)
    expect((await b.call('GET', `/api/decks/${deck.id}`)).body.cardCount).toBe(0)
    const good = await upload(
      b,
      deck.id,
      'front,back,tags\ngehen,to go,verb\n"Haus, das","the ""house""",noun a1\n',
    )
    expect(good).toMatchObject({ status: 201, body: { imported: 2 } })
    const exported = await fetch(`${p.backend.url}/api/decks/${deck.id}/export`, {
      headers: { authorization: `Bearer ${b.token}`, 'x-forwarded-for': b.ip },
    })
    expect(await exported.text()).toBe(
      'type,front,back,addReverse,notes,tags\r\nbasic,gehen,to go,,,verb\r\nbasic,"Haus, das","the ""house""",,,noun a1\r\n',
    )
  })

  it('refuses a file without a header naming front, and names the separator when it is not a comma', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    expect((await upload(b, deck.id, 'gehen,to go\n')).status).toBe(400)
    for (const [file, said] of [
      ['front;back\ngehen;to go\n', 'semicolons'],
      ['front\tback\ngehen\tto go\n', 'tabs'],
    ]) {
      const r = await upload(b, deck.id, file)
      expect([r.status, r.body.error.message]).toEqual([
        400,
        expect.stringContaining(`Line 1 looks separated by ${said}`),
      ])
    }
  })
})

describe('stats', () => {
  it('reports the heatmap, streak, retention, cards by state and forecast in the user’s days', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    await b.call('POST', `/api/decks/${deck.id}/cards`, {
      body: { cards: [{ front: 'eins' }, { front: 'zwei' }, { front: 'drei' }] },
    })
    const queue = (await b.call('GET', `/api/study/queue?deckId=${deck.id}`)).body.cards
    for (const card of queue.slice(0, 2))
      await b.call('POST', '/api/study/review', {
        body: { cardId: card.id, grade: 'good', version: card.version, durationMs: 1500 },
      })
    const stats = (await b.call('GET', '/api/stats')).body
    expect(stats.reviewsPerDay).toEqual([{ day: stats.today, reviews: 2 }])
    expect(stats.streak).toEqual({ current: 1, longest: 1 })
    expect(stats.cardsByState).toEqual({ new: 1, learning: 2, review: 0, relearning: 0 })
    expect(stats.dueForecast.reduce((n: number, d: { due: number }) => n + d.due, 0)).toBe(2)
    expect(stats.retention30d).toBeNull() // no mature card reviewed yet
  })
})

describe('account data export', () => {
  it('gives one JSON document with profile, audit events, decks, cards, their history, reviews and the ledger', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    await b.call('POST', `/api/decks/${deck.id}/cards`, { body: { front: 'Apfel', back: 'apple' } })
    const [card] = (await b.call('GET', `/api/study/queue?deckId=${deck.id}`)).body.cards
    await b.call('POST', '/api/study/review', {
      body: { cardId: card.id, grade: 'good', version: card.version, durationMs: 800 },
    })
    await b.call('PATCH', `/api/cards/${card.id}`, { body: { back: 'an apple' } })
    await b.call('GET', '/api/credits/balance')
    const res = await b.call('GET', '/api/account/export')
    expect(res.headers.get('content-disposition')).toContain('attachment')
    const data = res.body
    expect(data.profile).toMatchObject({ id: b.userId, emailVerified: true })
    expect(data.auditEvents.map((e: { action: string }) => e.action)).toContain('user.register')
    expect(data.decks.map((d: { name: string }) => d.name)).toEqual(['Verbs'])
    expect(data.cards).toMatchObject([{ front: 'Apfel', back: 'an apple', imageUrl: null }])
    // every change to a card, with what it replaced (the card page's undo history)
    expect(data.cardHistory).toMatchObject([
      { cardId: card.id, change: 'edit', before: { front: 'Apfel', back: 'apple' } },
    ])
    expect(data.reviews).toMatchObject([{ card_id: card.id, grade: 3 }])
    expect(data.credits.transactions.map((t: { kind: string }) => t.kind)).toEqual(['grant'])
    const other = await learner()
    expect((await other.call('GET', '/api/account/export')).body.cards).toEqual([])
  })
})

describe('study with FSRS', () => {
  it('gives the intervals ts-fsrs gives for the same history, records one review per state, and undoes exactly', async () => {
    const b = await learner()
    const deck = await newDeck(b, { newPerDay: 5 })
    await b.call('POST', `/api/decks/${deck.id}/cards`, {
      body: { cards: Array.from({ length: 8 }, (_, i) => ({ front: `Wort ${i}` })) },
    })
    const queue = (await b.call('GET', `/api/study/queue?deckId=${deck.id}`)).body.cards
    expect(queue).toHaveLength(5) // new cards per day
    const first = queue[0]
    const ref = fsrs(
      generatorParameters({ request_retention: 0.9, maximum_interval: 36500, enable_fuzz: false }),
    )
    const preview = ref.repeat(createEmptyCard(new Date(first.createdAt)), new Date())
    expect(
      Math.abs(
        first.intervals.good.seconds -
          (preview[Rating.Good].card.due.getTime() - Date.now()) / 1000,
      ),
    ).toBeLessThan(5)
    const grade = { cardId: first.id, grade: 'good', version: first.version, durationMs: 3200 }
    const twoTabs = await Promise.all([
      b.call('POST', '/api/study/review', { body: grade }),
      b.call('POST', '/api/study/review', { body: grade }),
    ])
    expect(twoTabs.map((r) => r.status).sort()).toEqual([200, 409])
    const reviews = await p.db.owner.query(`select grade from content.reviews where card_id = $1`, [
      first.id,
    ])
    expect(reviews).toEqual([{ grade: 3 }])
    const [before] = await p.db.owner.query(
      `select fsrs, due, state from content.cards where id = $1`,
      [first.id],
    )
    const next = must(twoTabs.find((r) => r.status === 200)).body
    await b.call('POST', '/api/study/review', {
      body: { cardId: first.id, grade: 'again', version: next.version, durationMs: 900 },
    })
    expect((await b.call('POST', '/api/study/undo')).status).toBe(200)
    const [after] = await p.db.owner.query(
      `select fsrs, due, state from content.cards where id = $1`,
      [first.id],
    )
    expect(after).toEqual(before)
  })

  it('counts today’s limits from midnight in the user’s timezone', async () => {
    const b = await learner()
    const deck = await newDeck(b, { newPerDay: 2 })
    await b.call('POST', `/api/decks/${deck.id}/cards`, {
      body: { cards: Array.from({ length: 5 }, (_, i) => ({ front: `Tag ${i}` })) },
    })
    await b.call('PUT', '/api/study/settings', { body: { timezone: 'Pacific/Auckland' } })
    const db = p.db.as('lingudesk_backend')
    const at = (iso: string) => new Date(iso)
    // 23:30 on 1 March in Auckland (UTC+13) is 10:30 UTC; 00:30 on 2 March is 11:30 UTC.
    const run = async (iso: string) =>
      (
        await asUser(db, b.userId, (sql) =>
          dueQueue(sql, { deckId: deck.id, now: at(iso), limit: 50 }),
        )
      ).cards
    const late = await run('2026-03-01T10:30:00Z')
    for (const card of late)
      await asUser(db, b.userId, (sql) =>
        gradeCard(sql, {
          cardId: card.id,
          grade: 'easy',
          version: card.version,
          durationMs: 1000,
          now: at('2026-03-01T10:30:00Z'),
        }),
      )
    expect(late).toHaveLength(2)
    expect((await run('2026-03-01T10:50:00Z')).filter((c) => c.state === 0)).toHaveLength(0) // same local day: limit used
    expect((await run('2026-03-01T11:30:00Z')).filter((c) => c.state === 0)).toHaveLength(2) // a new local day
  })

  it('counts what is waiting once: deck counts, their sum on Home and the study queue agree, before and after studying', async () => {
    const b = await learner()
    const deck = await newDeck(b, { newPerDay: 3 })
    await newDeck(b, { newPerDay: 20 }) // an empty deck counts nothing
    await b.call('POST', `/api/decks/${deck.id}/cards`, {
      body: { cards: Array.from({ length: 5 }, (_, i) => ({ front: `Wort ${i}` })) },
    })
    const agree = async (waiting: number) => {
      const decks = (await b.call('GET', '/api/decks')).body.decks as {
        dueCount: number
        newCount: number
      }[]
      const all = (await b.call('GET', '/api/study/queue')).body
      const one = (await b.call('GET', `/api/study/queue?deckId=${deck.id}`)).body
      const page = (await b.call('GET', `/api/decks/${deck.id}`)).body
      expect(decks.reduce((n, d) => n + d.dueCount + d.newCount, 0)).toBe(waiting)
      expect([all.total, all.cards.length, one.total, page.dueCount + page.newCount]).toEqual([
        waiting,
        waiting,
        waiting,
        waiting,
      ])
      return { all, page }
    }
    const { all } = await agree(3)
    for (const c of all.cards.slice(0, 2))
      await b.call('POST', '/api/study/review', {
        body: { cardId: c.id, grade: 'easy', version: c.version, durationMs: 500 },
      })
    const { page } = await agree(1) // two of today's three new cards used; the easy ones are due in days
    expect([page.newCount, page.newTotal, page.cardCount]).toEqual([1, 3, 5])
  })
})

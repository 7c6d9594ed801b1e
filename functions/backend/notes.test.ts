import { type Card as FsrsCard, createEmptyCard, fsrs, generatorParameters, Rating } from 'ts-fsrs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dueQueue, gradeCard } from '../../lib/content/study'
import { asUser } from '../../lib/db/tx'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({ backendEnv: { RATE_LIMIT_STANDARD: '100000/60' } })
})
afterAll(() => p.close())

type Learner = ReturnType<PlatformHarness['browser']> & { userId: string }
const learner = async (): Promise<Learner> => {
  const b = p.browser()
  const { res } = await b.register()
  return Object.assign(b, { userId: res.body.user.id as string })
}
const newDeck = async (b: Learner, extra = {}) =>
  (
    await b.call('POST', '/api/decks', {
      body: { name: 'Notes', sourceLang: 'de', targetLang: 'en', ...extra },
    })
  ).body as { id: string }
const addNote = async (b: Learner, deckId: string, body: unknown) => {
  const res = await b.call('POST', `/api/decks/${deckId}/notes`, { body })
  expect(res.status).toBe(201)
  return res.body
}
const faces = (note: { cards: { ord: number; front: string; back: string }[] }) =>
  note.cards.map(({ ord, front, back }) => ({ ord, front, back }))

describe('note types', () => {
  it('lists the types with their fields', async () => {
    const b = await learner()
    const { items } = (await b.call('GET', '/api/note-types')).body
    expect(items.map((t: { id: string; fields: string[] }) => [t.id, t.fields])).toEqual([
      ['basic', ['front', 'back']],
      ['reversed', ['front', 'back']],
      ['optional-reversed', ['front', 'back', 'addReverse']],
      ['typed', ['front', 'back']],
      ['cloze', ['text', 'backExtra']],
    ])
  })

  it('make their cards: basic one, reversed two, the optional reverse on request, cloze one per number', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    const add = (type: string, fields: Record<string, string>) =>
      addNote(b, deck.id, { type, fields, tags: ['t'] }).then(faces)
    expect(await add('basic', { front: 'Hund', back: 'dog' })).toEqual([
      { ord: 0, front: 'Hund', back: 'dog' },
    ])
    expect(await add('reversed', { front: 'Katze', back: 'cat' })).toEqual([
      { ord: 0, front: 'Katze', back: 'cat' },
      { ord: 1, front: 'cat', back: 'Katze' },
    ])
    expect(await add('reversed', { front: 'Maus' })).toEqual([{ ord: 0, front: 'Maus', back: '' }]) // nothing to ask back
    expect(await add('optional-reversed', { front: 'Pferd', back: 'horse' })).toHaveLength(1)
    expect(
      await add('optional-reversed', { front: 'Kuh', back: 'cow', addReverse: 'y' }),
    ).toHaveLength(2)
    expect(await add('typed', { front: 'Vogel', back: 'bird' })).toEqual([
      { ord: 0, front: 'Vogel', back: 'bird' },
    ])
    expect(
      await add('cloze', {
        text: '{{c1::Berlin}} ist die Hauptstadt von {{c2::Deutschland::Land}}; {{c1::Berlin}} liegt an der Spree.',
        backExtra: 'Seit 1990',
      }),
    ).toEqual([
      {
        ord: 1,
        front: '[…] ist die Hauptstadt von Deutschland; […] liegt an der Spree.',
        back: 'Berlin ist die Hauptstadt von Deutschland; Berlin liegt an der Spree.',
      },
      {
        ord: 2,
        front: 'Berlin ist die Hauptstadt von [Land]; Berlin liegt an der Spree.',
        back: 'Berlin ist die Hauptstadt von Deutschland; Berlin liegt an der Spree.',
      },
    ])
    const cards = (await b.call('GET', `/api/decks/${deck.id}/cards?tag=t&limit=200`)).body.items
    expect(cards).toHaveLength(10)
    expect((await b.call('GET', `/api/decks/${deck.id}/notes`)).body.items).toHaveLength(7)
  })

  it('start every card of the note with the free-text notes given', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    const note = await addNote(b, deck.id, {
      type: 'reversed',
      fields: { front: 'Hund', back: 'dog' },
      notes: 'der, die Hunde',
    })
    expect(note.cards.map((c: { notes: string }) => c.notes)).toEqual([
      'der, die Hunde',
      'der, die Hunde',
    ])
  })

  it('refuse fields their type does not take, a typed note without an answer and a cloze without deletions', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    const refused = async (body: unknown) => {
      const res = await b.call('POST', `/api/decks/${deck.id}/notes`, { body })
      expect(res.status).toBe(400)
      return res.body.error.details.map((d: { path: string }) => d.path)
    }
    expect(await refused({ type: 'basic', fields: { front: 'x', text: 'y' } })).toEqual(['fields'])
    expect(await refused({ type: 'typed', fields: { front: 'x' } })).toEqual(['fields.back'])
    expect(await refused({ type: 'cloze', fields: { text: 'no gap' } })).toEqual(['fields.text'])
    expect(await refused({ type: 'cloze', fields: { text: '{{c0::zero}}' } })).toEqual([
      'fields.text',
    ])
    expect(await refused({ type: 'anki', fields: {} })).toEqual(['type'])
    const long = 'n'.repeat(8001) // CONTENT_MAX_NOTES_CHARS
    expect(await refused({ type: 'basic', fields: { front: 'x' }, notes: long })).toEqual(['notes'])
    expect((await b.call('GET', `/api/decks/${deck.id}`)).body.cardCount).toBe(0)
  })
})

// ts-fsrs with the app's defaults: the reference every card's schedule must match.
const ref = fsrs(
  generatorParameters({ request_retention: 0.9, maximum_interval: 36500, enable_fuzz: false }),
)
const GRADES = ['good', 'hard', 'good', 'easy', 'again', 'good', 'good', 'good'] as const
const RATING = {
  again: Rating.Again,
  hard: Rating.Hard,
  good: Rating.Good,
  easy: Rating.Easy,
} as const

describe('studying notes', () => {
  it('schedules every card of every type as ts-fsrs does, and never shows two cards of one note on one day', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    const notes = [
      await addNote(b, deck.id, { type: 'basic', fields: { front: 'eins', back: 'one' } }),
      await addNote(b, deck.id, { type: 'reversed', fields: { front: 'zwei', back: 'two' } }),
      await addNote(b, deck.id, {
        type: 'optional-reversed',
        fields: { front: 'drei', back: 'three', addReverse: 'yes' },
      }),
      await addNote(b, deck.id, { type: 'typed', fields: { front: 'vier', back: 'four' } }),
      await addNote(b, deck.id, {
        type: 'cloze',
        fields: { text: '{{c1::fünf}} und {{c2::sechs}} und {{c3::sieben}}' },
      }),
    ]
    const db = p.db.as('lingudesk_backend')
    const start = Date.parse('2026-06-01T08:00:00Z')
    const expected = new Map<string, FsrsCard>()
    const graded = new Map<string, number>() // per card: how often
    for (let day = 0; day < 30; day++) {
      for (const hour of [0, 1, 2, 4]) {
        const now = new Date(start + day * 86_400_000 + hour * 3_600_000)
        const queue = await asUser(db, b.userId, (sql) =>
          dueQueue(sql, { deckId: deck.id, now, limit: 50 }),
        )
        const notesInQueue = queue.cards.map((c) => c.noteId)
        expect(new Set(notesInQueue).size).toBe(notesInQueue.length) // one card per note in a queue
        for (const card of queue.cards) {
          expect(card.note.type).toBe(notes.find((n) => n.id === card.noteId).type)
          const n = graded.get(card.id) ?? 0
          const grade = GRADES[n % GRADES.length]
          const mine: FsrsCard = expected.get(card.id) ?? createEmptyCard(new Date(card.createdAt))
          const want = ref.next(mine, now, RATING[grade]).card
          const got = await asUser(db, b.userId, (sql) =>
            gradeCard(sql, { cardId: card.id, grade, version: card.version, durationMs: 500, now }),
          )
          expect([card.id, n, got.due.toISOString()]).toEqual([card.id, n, want.due.toISOString()])
          expected.set(card.id, want)
          graded.set(card.id, n + 1)
        }
      }
    }
    expect(graded.size).toBe(9) // every card of the five notes came, each on days of its own
    const byDay = await p.db.owner.query<{ day: string; note_id: string; cards: number }>(
      `select (r.reviewed_at at time zone 'UTC')::date as day, c.note_id, count(distinct c.id)::int as cards
       from content.reviews r join content.cards c on c.id = r.card_id where c.deck_id = $1 group by 1, 2`,
      [deck.id],
    )
    expect(byDay.filter((r) => r.cards > 1)).toEqual([]) // a note comes again on a day only as the same card
  })

  it('shows siblings on one day when the deck does not bury them, and frees a sibling when its review is undone', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    await addNote(b, deck.id, { type: 'reversed', fields: { front: 'Tag', back: 'day' } })
    const db = p.db.as('lingudesk_backend')
    const now = new Date('2026-06-01T08:00:00Z')
    const later = new Date('2026-06-01T09:00:00Z') // after the first card's learning step
    const queue = (at = later) =>
      asUser(db, b.userId, (sql) => dueQueue(sql, { deckId: deck.id, now: at, limit: 50 }))
    const [first] = (await queue(now)).cards
    expect(await queue(now)).toMatchObject({ cards: [{ id: first.id }], total: 1 }) // counted once too
    await asUser(db, b.userId, (sql) =>
      gradeCard(sql, { cardId: first.id, grade: 'good', version: 0, durationMs: 1, now }),
    )
    expect((await queue()).cards.map((c) => c.id)).toEqual([first.id]) // its learning step, not the sibling
    expect((await b.call('POST', '/api/study/undo')).status).toBe(200)
    expect((await queue()).cards.map((c) => c.ord)).toEqual([0]) // one of the two, both free again
    expect(
      (await b.call('PATCH', `/api/decks/${deck.id}`, { body: { burySiblings: false } })).body
        .burySiblings,
    ).toBe(false)
    const both = await queue()
    expect([both.cards.map((c) => c.ord).sort(), both.total]).toEqual([[0, 1], 2])
  })

  it('takes bury siblings from the deck’s preset: on by default, and off lets both cards of a note come on one day', async () => {
    const b = await learner()
    const preset = (await b.call('POST', '/api/presets', { body: { name: 'Words' } })).body
    expect(preset.burySiblings).toBe(true)
    const deck = await newDeck(b, { presetId: preset.id })
    const db = p.db.as('lingudesk_backend')
    const now = new Date('2026-06-01T08:00:00Z')
    const later = new Date('2026-06-01T09:00:00Z')
    const queue = (at: Date) =>
      asUser(db, b.userId, (sql) => dueQueue(sql, { deckId: deck.id, now: at, limit: 50 }))
    const grade = (cardId: string, at: Date) =>
      asUser(db, b.userId, (sql) =>
        gradeCard(sql, { cardId, grade: 'good', version: 0, durationMs: 1, now: at }),
      )
    await addNote(b, deck.id, {
      type: 'reversed',
      fields: { front: 'Tag', back: 'day' },
    })
    const [first] = (await queue(now)).cards
    expect((await queue(now)).total).toBe(1)
    await grade(first.id, now)
    expect((await queue(later)).cards.map((c) => c.id)).toEqual([first.id]) // the sibling waits
    expect(
      (await b.call('PATCH', `/api/presets/${preset.id}`, { body: { burySiblings: false } }))
        .status,
    ).toBe(200)
    expect((await b.call('GET', `/api/decks/${deck.id}`)).body).toMatchObject({
      presetId: preset.id,
      burySiblings: false,
    })
    const night = await addNote(b, deck.id, {
      type: 'reversed',
      fields: { front: 'Nacht', back: 'night' },
    })
    const ofNight = async () =>
      (await queue(later)).cards.filter((c) => c.noteId === night.id).map((c) => c.ord)
    expect((await ofNight()).sort()).toEqual([0, 1])
    await grade(night.cards[0].id, later)
    expect(await ofNight()).toContain(1) // its sibling stays for today
  })
})

describe('editing notes', () => {
  it('follows the fields: a new cloze number adds a card, a removed one keeps its card empty until deleted', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    const note = await addNote(b, deck.id, {
      type: 'cloze',
      fields: { text: '{{c1::Rom}} liegt in {{c2::Italien}}.' },
    })
    const [c1, c2] = note.cards
    await b.call('POST', '/api/study/review', {
      body: { cardId: c2.id, grade: 'good', version: 0, durationMs: 1 },
    })
    const patch = (body: unknown) => b.call('PATCH', `/api/notes/${note.id}`, { body })
    const cut = (await patch({ fields: { text: '{{c1::Rom}} liegt in Italien.' } })).body
    expect(cut.cards.map((c: { id: string; empty: boolean }) => [c.id, c.empty])).toEqual([
      [c1.id, false],
      [c2.id, true],
    ])
    const queued = (await b.call('GET', `/api/study/queue?deckId=${deck.id}`)).body.cards
    expect(queued.map((c: { id: string }) => c.id)).not.toContain(c2.id)
    const back = (await patch({ fields: { text: '{{c1::Rom}} liegt in {{c2::Italien}}.' } })).body
    expect(back.cards[1]).toMatchObject({ id: c2.id, empty: false, state: 1 }) // its schedule kept
    const grown = (
      await patch({ fields: { text: '{{c1::Rom}} liegt in {{c3::Italien}}.' }, tags: ['geo'] })
    ).body
    expect(grown.cards.map((c: { ord: number; empty: boolean }) => [c.ord, c.empty])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ])
    expect(grown.cards.map((c: { tags: string[] }) => c.tags)).toEqual([['geo'], ['geo'], ['geo']])
    const removed = (
      await patch({ fields: { text: '{{c1::Rom}} liegt in Italien.' }, removeEmptyCards: true })
    ).body
    expect(removed.cards.map((c: { id: string }) => c.id)).toEqual([c1.id])
    expect(
      await p.db.owner.query(`select 1 from content.reviews where card_id = $1`, [c2.id]),
    ).toEqual([])
  })

  it('takes a card edit into its note: the sibling follows, and a cloze card is edited through its note', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    const note = await addNote(b, deck.id, {
      type: 'reversed',
      fields: { front: 'Baum', back: 'tree' },
    })
    const edited = await b.call('PATCH', `/api/cards/${note.cards[1].id}`, {
      body: { front: 'a tree', notes: 'der Baum' },
    })
    expect(edited.body).toMatchObject({ front: 'a tree', back: 'Baum', notes: 'der Baum' })
    const after = (await b.call('GET', `/api/notes/${note.id}`)).body
    expect(after.fields).toEqual({ front: 'Baum', back: 'a tree' })
    expect(faces(after)).toEqual([
      { ord: 0, front: 'Baum', back: 'a tree' },
      { ord: 1, front: 'a tree', back: 'Baum' },
    ])
    const history = (await b.call('GET', `/api/cards/${note.cards[1].id}/history`)).body
    const restored = await b.call(
      'POST',
      `/api/cards/${note.cards[1].id}/history/${history.items[0].id}/restore`,
    )
    expect(restored.body).toMatchObject({ front: 'tree', back: 'Baum' })
    expect((await b.call('GET', `/api/notes/${note.id}`)).body.fields.back).toBe('tree')
    const cloze = await addNote(b, deck.id, { type: 'cloze', fields: { text: '{{c1::a}} b' } })
    const refused = await b.call('PATCH', `/api/cards/${cloze.cards[0].id}`, {
      body: { front: 'other' },
    })
    expect([refused.status, refused.body.error.details.noteId]).toEqual([400, cloze.id])
    expect(
      (await b.call('PATCH', `/api/cards/${cloze.cards[0].id}`, { body: { notes: 'ok' } })).status,
    ).toBe(200)
  })

  it('deletes a note with its cards, and a card with its note when it was the last', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    const two = await addNote(b, deck.id, { type: 'reversed', fields: { front: 'a', back: 'b' } })
    expect((await b.call('DELETE', `/api/cards/${two.cards[0].id}`)).status).toBe(204)
    expect((await b.call('GET', `/api/notes/${two.id}`)).body.cards).toHaveLength(1)
    expect((await b.call('DELETE', `/api/cards/${two.cards[1].id}`)).status).toBe(204)
    expect((await b.call('GET', `/api/notes/${two.id}`)).status).toBe(404)
    const one = await addNote(b, deck.id, { type: 'reversed', fields: { front: 'c', back: 'd' } })
    expect((await b.call('DELETE', `/api/notes/${one.id}`)).status).toBe(204)
    expect((await b.call('GET', `/api/cards/${one.cards[1].id}`)).status).toBe(404)
    expect((await b.call('DELETE', `/api/notes/${one.id}`)).status).toBe(404)
  })
})

describe('CSV with note types', () => {
  it('imports and exports each row as a note with its type and fields, cloze text as written', async () => {
    const b = await learner()
    const deck = await newDeck(b)
    const csv =
      'type,front,back,addReverse,notes,tags\r\n' +
      'basic,Hund,dog,,,tier\r\n' +
      'reversed,Katze,cat,,,tier\r\n' +
      'optional-reversed,Kuh,cow,y,,\r\n' +
      'typed,Vogel,bird,,,\r\n' +
      'cloze,"{{c1::Rom}}, {{c2::Italien::Land}}",extra,,,geo\r\n'
    const upload = (text: string) =>
      fetch(`${p.backend.url}/api/decks/${deck.id}/import`, {
        method: 'POST',
        body: text,
        headers: {
          'content-type': 'text/csv',
          authorization: `Bearer ${b.token}`,
          'x-forwarded-for': b.ip,
        },
      }).then(async (r) => ({ status: r.status, body: await r.json() }))
    expect(await upload(csv)).toMatchObject({ status: 201, body: { valid: 5, imported: 8 } })
    const exported = await fetch(`${p.backend.url}/api/decks/${deck.id}/export`, {
      headers: { authorization: `Bearer ${b.token}`, 'x-forwarded-for': b.ip },
    })
    expect(await exported.text()).toBe(csv)
    const bad = await upload('type,text\ncloze,no gap\nflashcard,x\n')
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.errors).toEqual([
      { row: 2, issues: [{ path: 'text', message: expect.stringContaining('{{c1::') }] },
      { row: 3, issues: [{ path: 'type', message: expect.stringContaining('cloze') }] },
    ])
  })
})

import { readAnkiPackage } from 'anki-reader'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { png } from '../../lib/ai/media'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

// A deck exported as .apkg and read back by an independent reader (npm anki-reader), media and all.
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({ backendEnv: { RATE_LIMIT_STANDARD: '100000/60' }, aiEnv: {} })
})
afterAll(() => p.close())

type Learner = ReturnType<PlatformHarness['browser']>
const download = async (b: Learner, deckId: string) => {
  const res = await fetch(`${p.backend.url}/api/decks/${deckId}/export.apkg`, {
    headers: { authorization: `Bearer ${b.token}`, 'x-forwarded-for': b.ip },
  })
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) }
}

describe('GET /api/decks/:id/export.apkg', () => {
  it('packs notes of every type, tags, schedules, reviews and media that Anki reads', async () => {
    const b = p.browser()
    await b.register()
    const deck = (
      await b.call('POST', '/api/decks', {
        body: { name: 'Verbes', sourceLang: 'fr', targetLang: 'en' },
      })
    ).body
    const add = async (type: string, fields: Record<string, string>, tags: string[] = []) =>
      (await b.call('POST', `/api/decks/${deck.id}/notes`, { body: { type, fields, tags } })).body
    const basic = await add('basic', { front: 'parler', back: 'to speak <loud> & clear' }, [
      'verbs',
      'a1',
    ])
    await add('reversed', { front: 'manger', back: 'to eat' })
    await add('optional-reversed', { front: 'boire', back: 'to drink', addReverse: '' })
    await add('typed', { front: 'aller', back: 'to go' })
    await add('cloze', { text: '{{c1::Je}} {{c2::parle}} français', backExtra: 'present' })
    const cardId = basic.cards[0].id
    const image = await png(4, [200, 30, 30], [0, 0, 200])
    const up = await fetch(`${p.backend.url}/api/cards/${cardId}/media`, {
      method: 'POST',
      body: image as BodyInit,
      headers: { authorization: `Bearer ${b.token}`, 'x-forwarded-for': b.ip },
    })
    const imageKey = ((await up.json()) as { imageKey: string }).imageKey
    const due = (await b.call('GET', `/api/study/queue?deckId=${deck.id}&limit=50`)).body
    const first = due.cards.find((c: { id: string }) => c.id === cardId)
    const graded = await b.call('POST', '/api/study/review', {
      body: { cardId, grade: 'easy', version: first.version, durationMs: 4200 },
    })
    expect(graded.status).toBe(200)

    const { res, bytes } = await download(b, deck.id)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Verbes.apkg"; filename*=UTF-8''Verbes.apkg`,
    )
    const { collection, media } = await readAnkiPackage(new Blob([bytes]))
    const decks = Object.values(collection.getDecks())
    const verbes = decks.find((d) => d.getName() === 'Verbes')
    expect(verbes).toBeDefined()
    const cards = Object.values(verbes?.getCards() ?? {})
    // basic 1, reversed 2, optional reversed 1 (no "add reverse"), typed 1, cloze 2
    expect(cards).toHaveLength(7)
    const cloze = cards.find((c) => c.getModel().getName() === 'Cloze')
    expect(cloze?.getFields()).toEqual({
      Text: '{{c1::Je}} {{c2::parle}} français',
      'Back Extra': 'present',
    })
    const parler = cards.find((c) => c.getFront() === 'parler')
    expect(parler?.getFields().Back).toBe(
      `to speak &lt;loud&gt; &amp; clear<img src="${imageKey}">`,
    )
    expect(
      Object.values(collection.getModels())
        .map((m) => m.getName())
        .sort(),
    ).toEqual([
      'Basic',
      'Basic (and reversed card)',
      'Basic (optional reversed card)',
      'Basic (type in the answer)',
      'Cloze',
    ])
    expect(new Uint8Array(await media[imageKey].arrayBuffer())).toEqual(image)

    const db = collection.getRawCollection()
    const rows = (sql: string) => {
      const [r] = db.exec(sql)
      return r ? r.values : []
    }
    expect(rows(`select tags from notes where flds like 'parler%'`)).toEqual([[' verbs a1 ']])
    expect(rows(`select ord from cards order by ord`).flat()).toEqual([0, 0, 0, 0, 0, 1, 1])
    const [[type, queue, ivl, reps, data]] = rows(
      `select type, queue, ivl, reps, data from cards where id = (select cid from revlog)`,
    ) as [number, number, number, number, string][]
    expect({ type, queue, reps }).toEqual({ type: 2, queue: 2, reps: 1 })
    expect(ivl).toBeGreaterThanOrEqual(1)
    expect(JSON.parse(data)).toMatchObject({ s: expect.any(Number), d: expect.any(Number) })
    expect(rows(`select ease, time, type from revlog`)).toEqual([[4, 4200, 0]])
  })

  it('answers 404 for another learner’s deck and 401 without a session', async () => {
    const owner = p.browser()
    await owner.register()
    const deck = (
      await owner.call('POST', '/api/decks', {
        body: { name: 'Privé', sourceLang: 'fr', targetLang: 'en' },
      })
    ).body
    const other = p.browser()
    await other.register()
    const { res } = await download(other, deck.id)
    expect(res.status).toBe(404)
    expect(
      (await owner.call('GET', `/api/decks/${deck.id}/export.apkg`, { auth: false })).status,
    ).toBe(401)
    expect((await owner.call('GET', `/api/decks/not-a-uuid/export.apkg`)).status).toBe(400)
  })
})

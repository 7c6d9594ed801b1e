import { createEmptyCard, fsrs, generatorParameters, type Grade } from 'ts-fsrs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { ankiPackage, smallModel, STOCK_NOTE_TYPES } from '../../test/anki-package'
import type { Job } from '../../lib/content/import-jobs'

// Anki packages through the backend over HTTP (real PostgreSQL, Redis, s3rver), as the web app sends them.
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({ backendEnv: { RATE_LIMIT_STANDARD: '100000/60' }, aiEnv: {} })
})
afterAll(() => p.close())

type Learner = ReturnType<PlatformHarness['browser']>
const learner = async () => {
  const b = p.browser()
  await b.register()
  return b
}
const post = async (b: Learner, bytes: Uint8Array, query = '') => {
  const res = await fetch(`${p.backend.url}/api/imports/anki?${query}`, {
    method: 'POST',
    body: bytes as BodyInit,
    headers: {
      authorization: `Bearer ${b.token}`,
      'x-forwarded-for': b.ip,
      'content-type': 'application/octet-stream',
    },
  })
  return { status: res.status, body: await res.json() }
}
const finished = async (b: Learner, id: string): Promise<Job> => {
  for (;;) {
    const { body } = await b.call('GET', `/api/imports/${id}`)
    if (body.job.state !== 'running') return body.job
    await new Promise((r) => setTimeout(r, 100))
  }
}
const q = <T>(sql: string, params: unknown[]) => p.db.owner.query<T>(sql, params)

describe('POST /api/imports/anki', () => {
  for (const format of ['anki2', 'anki21', 'anki21b'] as const)
    it(`imports a ${format} package: decks, note types, cloze, tags, media, reviews`, async () => {
      const b = await learner()
      const { status, body } = await post(
        b,
        await ankiPackage(smallModel(), format),
        'name=es.apkg',
      )
      expect(status).toBe(202)
      const job = await finished(b, body.job.id)
      expect(job).toMatchObject({ state: 'done', name: 'es.apkg', error: null })
      expect(job.summary.totals).toEqual({ decks: 2, notes: 4, cards: 6, reviews: 4, media: 2 })
      const uid = (await b.call('GET', '/api/whoami')).body.id
      const decks = await q<{ name: string }>(
        'select name from content.decks where user_id = $1 order by name',
        [uid],
      )
      expect(decks.map((d) => d.name)).toEqual(['Default', 'Spanish::Verbs'])
      const notes = await q<{ type: string; fields: object }>(
        'select type, fields from content.notes where user_id = $1 order by created_at',
        [uid],
      )
      expect(notes).toEqual([
        { type: 'basic', fields: { front: 'hablar', back: 'to speak' } },
        { type: 'reversed', fields: { front: 'comer', back: 'to eat' } },
        { type: 'cloze', fields: { text: '{{c1::Yo}} {{c2::hablo}} español', backExtra: '' } },
        { type: 'basic', fields: { front: 'casa', back: 'house\nmi casa es su casa' } },
      ])
      const cards = await q<{ ord: number; tags: string[]; image_key: string; audio_key: string }>(
        `select c.ord, c.tags, c.image_key, c.audio_key from content.cards c join content.notes n on n.id = c.note_id
         where c.user_id = $1 order by n.created_at, c.ord`,
        [uid],
      )
      expect(cards.map((c) => c.ord)).toEqual([0, 0, 1, 1, 2, 0])
      expect(cards[0].tags).toEqual(['verbs', 'es::a1'])
      expect(cards[1].image_key).toMatch(/^[0-9a-f]{64}\.png$/)
      expect(cards[3].audio_key).toMatch(/^[0-9a-f]{64}\.mp3$/)
      const media = await q('select key from ai.media where user_id = $1', [uid])
      expect(media).toHaveLength(2)
    })

  it('turns the revlog into reviews and the memory state ts-fsrs gives for that history', async () => {
    const b = await learner()
    const model = smallModel()
    const { body } = await post(b, await ankiPackage(model))
    await finished(b, body.job.id)
    const uid = (await b.call('GET', '/api/whoami')).body.id
    const reviews = await q<{ grade: number; reviewed_at: Date; was_new: boolean }>(
      'select grade, reviewed_at, was_new from content.reviews where user_id = $1 order by reviewed_at',
      [uid],
    )
    expect(reviews.map((r) => [r.grade, r.reviewed_at.getTime(), r.was_new])).toEqual(
      model.revlog.map((r, i) => [r.ease, r.id, i === 0]),
    )
    const f = fsrs(generatorParameters({ enable_fuzz: false }))
    let card = createEmptyCard(new Date(model.revlog[0].id))
    for (const r of model.revlog) card = f.next(card, new Date(r.id), r.ease as Grade).card
    const [stored] = await q<{ fsrs: { stability: number; difficulty: number }; due: Date }>(
      'select fsrs, due from content.cards where user_id = $1 and version = 4',
      [uid],
    )
    expect(stored.fsrs.stability).toBeCloseTo(card.stability, 6)
    expect(stored.fsrs.difficulty).toBeCloseTo(card.difficulty, 6)
    expect(stored.due.getTime()).toBe(card.due.getTime())
  })

  it('dry-runs: counts per deck and every skipped item with its reason, nothing stored', async () => {
    const b = await learner()
    const model = smallModel()
    model.notes.push({
      id: 105,
      noteTypeId: STOCK_NOTE_TYPES.basic.id,
      fields: ['', 'x'],
      tags: [],
    })
    model.cards.push({ ...model.cards[5], id: 1007, noteId: 105 })
    model.cards.push({ ...model.cards[5], id: 1008, ord: 1 }) // a Vocabulary note maps to one card
    model.revlog.push({ ...model.revlog[0], id: model.revlog[0].id + 99, ease: 0, type: 4 })
    model.media.push({ name: 'notes.txt', data: new TextEncoder().encode('hello') })
    const { status, body } = await post(b, await ankiPackage(model), 'dryRun=true')
    expect(status).toBe(200)
    expect(body.summary.decks).toEqual([
      { name: 'Spanish::Verbs', notes: 3, cards: 5, reviews: 4, media: 2 },
      { name: 'Default', notes: 1, cards: 1, reviews: 0, media: 0 },
    ])
    expect(body.summary.noteTypes).toContainEqual({
      name: 'Vocabulary',
      mappedTo: 'basic',
      notes: 1,
    })
    const skipped = body.summary.skipped.map(
      (s: { kind: string; id: string }) => `${s.kind} ${s.id}`,
    )
    expect(skipped.sort()).toEqual(
      ['card 1008', 'media notes.txt', 'note 105', `review ${model.revlog[4].id}`].sort(),
    )
    const kinds = body.summary.skipped.map((s: { kind: string }) => s.kind).sort()
    expect(kinds).toEqual(['card', 'media', 'note', 'review'])
    expect(body.summary.skipped.every((s: { reason: string }) => s.reason.length > 5)).toBe(true)
    const uid = (await b.call('GET', '/api/whoami')).body.id
    expect(await q('select 1 from content.notes where user_id = $1', [uid])).toEqual([])
    expect((await b.call('GET', '/api/imports')).body.jobs).toEqual([])
  })

  it('cleans names and drops reviews at impossible times in the dry run, and imports what it showed', async () => {
    const b = await learner()
    const model = smallModel()
    model.decks[1].name = ' Spanish\0::::\u202eVerbs '
    model.decks.push({ id: 5, name: 'x'.repeat(5000) })
    for (const c of model.cards) if (c.noteId === 104) c.deckId = 5
    model.notes[0].fields[0] = 'ha\0blar'
    model.notes[0].tags.push('bad\0tag')
    const at = (id: number) => ({ ...model.revlog[0], id })
    model.revlog.push(at(1e16), at(Date.UTC(2030, 0, 1)), at(Date.UTC(1999, 0, 1)))
    const dry = await post(b, await ankiPackage(model), 'dryRun=true')
    expect(dry.status).toBe(200)
    const long = 'x'.repeat(200)
    expect(dry.body.summary.decks.map((d: { name: string }) => d.name).sort()).toEqual(
      ['Spanish::Verbs', long].sort(),
    )
    expect(
      dry.body.summary.skipped.map((s: { kind: string; id: string }) => `${s.kind} ${s.id}`).sort(),
    ).toEqual(
      [
        'deck 1700000000100',
        'deck 5',
        'review 10000000000000000',
        `review ${Date.UTC(2030, 0, 1)}`,
        `review ${Date.UTC(1999, 0, 1)}`,
      ].sort(),
    )
    const { status, body } = await post(b, await ankiPackage(model))
    expect(status).toBe(202)
    expect((await finished(b, body.job.id)).state).toBe('done')
    const uid = (await b.call('GET', '/api/whoami')).body.id
    const decks = await q<{ name: string }>('select name from content.decks where user_id = $1', [
      uid,
    ])
    expect(decks.map((d) => d.name).sort()).toEqual(['Spanish::Verbs', long].sort())
    const [hablar] = await q<{ front: string; tags: string[] }>(
      `select front, tags from content.cards where user_id = $1 and front like 'ha%'`,
      [uid],
    )
    expect(hablar).toEqual({ front: 'hablar', tags: ['verbs', 'es::a1', 'badtag'] })
    const [{ latest }] = await q<{ latest: Date }>(
      'select max(reviewed_at) latest from content.reviews where user_id = $1',
      [uid],
    )
    expect(latest.getTime()).toBe(Math.max(...model.revlog.slice(0, 4).map((r) => r.id)))
  })

  it('stores hostile field HTML as harmless plain text', async () => {
    const b = await learner()
    const model = smallModel()
    model.notes[0].fields = [
      '<script>alert(1)</script><b onmouseover="alert(2)">hola</b><a href="javascript:alert(3)">x</a>',
      '<img src=x onerror="alert(4)"><style>body{}</style><iframe src="javascript:alert(5)"></iframe>adiós &lt;3',
    ]
    const { body } = await post(b, await ankiPackage(model))
    await finished(b, body.job.id)
    const uid = (await b.call('GET', '/api/whoami')).body.id
    const [note] = await q<{ fields: { front: string; back: string } }>(
      `select fields from content.notes where user_id = $1 and type = 'basic' order by created_at limit 1`,
      [uid],
    )
    expect(note.fields).toEqual({ front: 'holax', back: 'adiós <3' })
    expect(JSON.stringify(note.fields)).not.toMatch(/alert|javascript:|onerror|onmouseover/)
  })

  it("answers 404 for another learner's job and lists only the learner's own", async () => {
    const [a, other] = [await learner(), await learner()]
    const { body } = await post(a, await ankiPackage(smallModel()))
    await finished(a, body.job.id)
    expect((await other.call('GET', `/api/imports/${body.job.id}`)).status).toBe(404)
    expect((await other.call('GET', '/api/imports')).body.jobs).toEqual([])
    expect((await a.call('GET', '/api/imports')).body.jobs.map((j: Job) => j.id)).toEqual([
      body.job.id,
    ])
  })

  it('marks a job whose process died (no heartbeat for 30 s) failed when it is read', async () => {
    const b = await learner()
    const uid = (await b.call('GET', '/api/whoami')).body.id
    const summary = { decks: [], noteTypes: [], totals: {}, skipped: [] }
    const [{ id }] = await q<{ id: string }>(
      `insert into content.import_jobs (user_id, summary, step, heartbeat_at)
       values ($1, $2, 'commit', now() - interval '31 seconds') returning id`,
      [uid, JSON.stringify(summary)],
    )
    const { body } = await b.call('GET', `/api/imports/${id}`)
    expect(body.job).toMatchObject({ state: 'failed', step: null, error: { code: 'INTERRUPTED' } })
    expect(body.job.finishedAt).not.toBeNull()
  })
})

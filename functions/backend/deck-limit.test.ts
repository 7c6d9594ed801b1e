import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ankiPackage, smallModel } from '../../test/anki-package'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'

// CONTENT_MAX_DECKS: deck creation and the Anki import refuse past it, and the list shows every deck up to it
// (it stopped at 500 before, hiding the 501st).
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({
    backendEnv: { CONTENT_MAX_DECKS: '600', RATE_LIMIT_STANDARD: '100000/60' },
  })
})
afterAll(() => p.close())

const learnerWithDecks = async (n: number) => {
  const b = p.browser()
  const { res } = await b.register()
  await p.db.owner.query(
    `insert into content.decks (user_id, name, source_lang, target_lang, created_at)
     select $1, 'Deck ' || i, 'de', 'en', now() - (i || ' seconds')::interval from generate_series(1, $2) i`,
    [res.body.user.id, n],
  )
  return b
}
const newDeck = (b: ReturnType<PlatformHarness['browser']>, name: string) =>
  b.call('POST', '/api/decks', { body: { name, sourceLang: 'de', targetLang: 'en' } })

describe('CONTENT_MAX_DECKS', () => {
  it('lists every deck past 500, makes the last one allowed and refuses the next with a 400', async () => {
    const b = await learnerWithDecks(599)
    expect((await newDeck(b, 'Newest')).status).toBe(201)
    const { body } = await b.call('GET', '/api/decks')
    expect(body.decks).toHaveLength(600)
    expect(body.decks.at(-1).name).toBe('Newest')
    const refused = await newDeck(b, 'One too many')
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'You can have at most 600 decks; you have 600',
      details: { max: 600, decks: 600 },
    })
    expect((await b.call('GET', '/api/decks')).body.decks).toHaveLength(600)
  })

  it('refuses an Anki package whose decks would pass it, in the dry run too, and stores nothing', async () => {
    const b = await learnerWithDecks(599) // the package holds two decks
    const pkg = await ankiPackage(smallModel())
    for (const query of ['dryRun=true', '']) {
      const res = await fetch(`${p.backend.url}/api/imports/anki?${query}`, {
        method: 'POST',
        body: pkg as BodyInit,
        headers: {
          authorization: `Bearer ${b.token}`,
          'x-forwarded-for': b.ip,
          'content-type': 'application/octet-stream',
        },
      })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
        'You can have at most 600 decks; you have 599 and this adds 2',
      )
    }
    expect((await b.call('GET', '/api/decks')).body.decks).toHaveLength(599)
    const [{ jobs }] = await p.db.owner.query<{ jobs: number }>(
      `select count(*)::int as jobs from content.import_jobs`,
    )
    expect(jobs).toBe(0)
  })
})

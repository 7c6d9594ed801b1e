import { describe, expect, it } from 'vitest'
import { fakeAiPlatform } from '../../test/fake-ai-platform'

// The gateway, auth, credit and the AI role as separate servers; images from a fake provider on loopback.
const t = fakeAiPlatform((fake) => ({ FLUX_API_KEY: 'k', FLUX_BASE_URL: fake.openAiUrl }))

const learner = async () => {
  const b = t.p.browser()
  await b.register()
  return b
}
type Learner = Awaited<ReturnType<typeof learner>>
const imageFor = (b: Learner, prompt: string) =>
  b.call('POST', '/api/ai/image', { body: { prompt } })
const fetchMedia = (b: Learner, key: string) => b.call('GET', `/api/ai/media/${key}`)

describe('AI media belong to the learner who made them', () => {
  it('serves B’s image to B and to nobody else: A gets the same 404 as for a key that does not exist', async () => {
    const [a, b] = [await learner(), await learner()]
    const made = await imageFor(b, 'a red bicycle in the rain')
    expect(made.status).toBe(200)
    const key = made.body.media.key as string
    expect((await fetchMedia(b, key)).status).toBe(200)
    const stolen = await fetchMedia(a, key)
    const missing = await fetchMedia(a, `${'0'.repeat(64)}.png`)
    expect(stolen.status).toBe(404)
    expect({ ...stolen.body.error, requestId: 0 }).toEqual({ ...missing.body.error, requestId: 0 })
  })

  it('a key says nothing about the prompt, and A cannot test whether B asked for a prompt A guesses', async () => {
    const [a, b] = [await learner(), await learner()]
    t.fake.reset()
    const prompt = `my secret plan ${Math.random()}`
    const first = await imageFor(b, prompt)
    const again = await imageFor(b, prompt) // B's own repeat is B's cache hit
    expect(again.body).toMatchObject({ cached: true, media: { key: first.body.media.key } })
    const guess = await imageFor(a, prompt) // A's identical request: no hit, no shared key, full price
    expect(guess.body).toMatchObject({ cached: false, cost: first.body.cost })
    expect(guess.body.media.key).not.toBe(first.body.media.key)
    expect(first.body.media.key).toMatch(/^[0-9a-f]{64}\.png$/)
    expect(t.fake.state.calls['/v1/images/generations']).toBe(2) // the provider ran for each learner
  })

  it('serves an image saved on a card to the card’s owner only', async () => {
    const [a, b] = [await learner(), await learner()]
    const deck = (
      await b.call('POST', '/api/decks', {
        body: { name: 'Bilder', sourceLang: 'de', targetLang: 'en' },
      })
    ).body
    const card = (
      await b.call('POST', `/api/decks/${deck.id}/cards`, { body: { front: 'Fahrrad' } })
    ).body
    const key = (await b.call('POST', `/api/cards/${card.id}/ai/image`, { body: {} })).body.card
      .imageKey
    expect((await fetchMedia(b, key)).status).toBe(200)
    expect((await fetchMedia(a, key)).status).toBe(404)
  })
})

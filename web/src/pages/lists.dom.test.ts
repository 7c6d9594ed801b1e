import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { domPlatform } from '../../test/dom-platform'
import { api } from '../lib/session.svelte'
import Credits from './Credits.svelte'
import Deck from './Deck.svelte'
import Home from './Home.svelte'
import Study from './Study.svelte'
import { must } from '../../../test/must'

// Pages rendered in happy-dom against the real roles: each list loads once per intent (issue 17, points 7–9).
let p: Awaited<ReturnType<typeof domPlatform>>
const unlimited = {
  RATE_LIMIT_STANDARD: '100000/60',
  RATE_LIMIT_AI: '100000/60',
  RATE_LIMIT_PUBLIC: '100000/60',
}
beforeAll(
  async () =>
    void (p = await domPlatform({
      backendEnv: unlimited,
      creditEnv: { MICRO_FLUSH_THRESHOLD: '1' },
      aiEnv: {},
    })),
  60_000,
)
afterAll(() => p?.close())
afterEach(() => cleanup())

// What the page asks the network, path and query; `slow` holds back replies to matching URLs.
const asked: string[] = []
let slow: { match: RegExp; ms: number } | null = null
const browserFetch = globalThis.fetch
globalThis.fetch = async (input, init) => {
  const url = new URL(String(input), location.href)
  asked.push(url.pathname + url.search)
  const res = await browserFetch(input, init)
  if (slow?.match.test(url.search)) await new Promise((r) => setTimeout(r, must(slow).ms))
  return res
}
const count = (re: RegExp) => asked.filter((a) => re.test(a)).length
const settle = () => new Promise((r) => setTimeout(r, 600)) // longer than the search pause: nothing more may follow

async function learner(deck: { newPerDay?: number } = {}) {
  const email = `dom.${crypto.randomUUID()}@example.com`
  const { challenge } = await api.auth.register({
    name: 'Dom',
    email,
    password: 'a long component passphrase',
  })
  await api.auth.finishSignUp({ challenge, code: await p.code(email) })
  return api.decks.create({ name: 'Tiere', sourceLang: 'de', targetLang: 'en', ...deck })
}

describe('lists load once per intent', () => {
  it('Credits: the history loads once, and “Older transactions” appends the next page once (point 7)', async () => {
    const deck = await learner()
    const [card] = (await api.decks.addCards(deck.id, [{ front: 'der Hund' }])).cards
    // 22 paid calls, each a ledger row of its own (MICRO_FLUSH_THRESHOLD=1), plus the month's grant: 23 rows.
    for (let i = 0; i < 22; i++) await api.cards.ai(card.id, 'image', { refresh: true } as object)
    asked.length = 0
    render(Credits)
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(21)) // the header and 20 rows
    await settle()
    expect([count(/\/history/), count(/\/balance/), count(/\/checkout/)]).toEqual([1, 1, 1])
    await fireEvent.click(screen.getByRole('button', { name: 'Older transactions' }))
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(24))
    await settle()
    expect([count(/\/history/), count(/\/balance/), count(/\/checkout/)]).toEqual([2, 1, 1])
    expect(screen.queryByRole('button', { name: 'Older transactions' })).toBeNull()
  })

  it('Deck: search waits for a pause in typing, and a late reply to an older search is dropped (point 8)', async () => {
    const deck = await learner()
    await api.decks.addCards(
      deck.id,
      ['der Hund', 'die Hündin', 'die Katze', 'das Haus'].map((front) => ({ front })),
    )
    asked.length = 0
    render(Deck, { id: deck.id })
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(4))
    const search = screen.getByRole('searchbox', { name: 'Search' }) as HTMLInputElement
    for (const typed of ['H', 'Hu', 'Hun', 'Hund'])
      await fireEvent.input(search, { target: { value: typed } })
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(1))
    await settle()
    expect([count(/\/cards\?/), count(/\/decks\/[\w-]+$/)]).toEqual([2, 1]) // the first list and one search; the deck once
    expect(asked.filter((a) => /\/cards\?/.test(a)).at(-1)).toContain('q=Hund')

    // “die” is slow to answer; “Katze”, asked after it, answers first and must stay on screen.
    slow = { match: /q=die/, ms: 400 }
    await fireEvent.input(search, { target: { value: 'die' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Filter' }))
    await fireEvent.input(search, { target: { value: 'Katze' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Filter' }))
    await new Promise((r) => setTimeout(r, 700))
    slow = null
    expect(
      screen.getAllByRole('link', { name: /^(der|die|das) / }).map((a) => a.textContent),
    ).toEqual(['die Katze'])
  })

  it('Home, the deck page and Study count the same cards, before and after studying (point 9)', async () => {
    const deck = await learner({ newPerDay: 3 })
    await api.decks.addCards(
      deck.id,
      Array.from({ length: 5 }, (_, i) => ({ front: `Wort ${i}` })),
    )
    const { cards } = await api.study.queue(deck.id)
    for (const c of cards.slice(0, 2))
      await api.study.review({ cardId: c.id, grade: 'easy', version: c.version, durationMs: 800 })
    render(Home)
    await screen.findByText(
      (_, el) => el?.tagName === 'P' && /^2 reviewed today · 1 waiting$/.test(el.textContent ?? ''),
    )
    cleanup()
    render(Deck, { id: deck.id })
    await screen.findByText('1 new')
    expect(screen.getByText('0 due')).toBeTruthy()
    cleanup()
    sessionStorage.clear()
    render(Study, { deckId: deck.id })
    await screen.findByText('Card 1 of 1')
  })
})

import type { Api, Deck } from '../api'

/** A small German deck for a first look: create it, open it, study it. */
const SAMPLE = {
  deck: {
    name: 'Sample: German basics',
    sourceLang: 'de',
    targetLang: 'en',
    description: 'A few everyday words to try Lingudesk with. Delete it whenever you like.',
  },
  cards: [
    ['der Hund', 'the dog'],
    ['die Katze', 'the cat'],
    ['das Haus', 'the house'],
    ['danke', 'thank you'],
    ['guten Morgen', 'good morning'],
    ['das Wasser', 'the water'],
    ['essen', 'to eat'],
    ['schön', 'beautiful'],
  ].map(([front, back]) => ({ front, back, tags: ['sample'] })),
}

/** Home's data: the decks with today's counts (from the server, the same numbers Study uses). */
export class HomePage {
  decks = $state<Deck[] | null>(null)
  reviewedToday = $state(0)
  error = $state<unknown>(null)
  readonly waiting = $derived((this.decks ?? []).reduce((n, d) => n + d.dueCount + d.newCount, 0))
  private api: Api
  constructor(api: Api) {
    this.api = api
  }

  async load() {
    this.error = null
    try {
      const [d, s] = await Promise.all([this.api.decks.list(), this.api.stats()])
      this.decks = d.decks
      this.reviewedToday = s.reviewsPerDay.find((r) => r.day === s.today)?.reviews ?? 0
    } catch (err) {
      this.error = err
    }
  }
  async create(d: Pick<Deck, 'name' | 'sourceLang' | 'targetLang' | 'description'>) {
    const deck = await this.api.decks.create(d)
    this.decks = [...(this.decks ?? []), deck]
    return deck
  }
  async addSample() {
    const deck = await this.api.decks.create(SAMPLE.deck)
    await this.api.decks.addCards(deck.id, SAMPLE.cards)
    await this.load()
    return deck
  }
}

import type { Api, Card, CardFilter, Deck } from '../api'

/** How long typing must pause before a search is sent. */
export const SEARCH_DEBOUNCE_MS = 300

/**
 * A deck page's data: the deck and its cards, filtered by `search`, `tag` and study state (`is`, `flag`), and
 * the cards ticked for a bulk action (`selected`). `load()` fetches both once;
 * `filter()` fetches the cards again (at once from the Filter button, after a pause in typing from
 * `typed()`); a reply to an older filter than the latest is dropped; `more()` appends the next page once.
 */
export class DeckPage {
  deck = $state<Deck | null>(null)
  cards = $state<Card[] | null>(null)
  cursor = $state<string | null>(null)
  search = $state('')
  tag = $state('')
  is = $state<CardFilter | ''>('')
  flag = $state(0)
  selected = $state<string[]>([])
  error = $state<unknown>(null)
  listError = $state<unknown>(null)
  loadingMore = $state(false)
  private api: Api
  readonly id: string
  private asked = 0 // the latest filter sent; replies to earlier ones are stale
  private timer: ReturnType<typeof setTimeout> | undefined
  private paging: Promise<void> | null = null
  constructor(api: Api, id: string) {
    this.api = api
    this.id = id
  }

  load() {
    return Promise.all([this.loadDeck(), this.filter()])
  }
  async loadDeck() {
    try {
      this.deck = await this.api.decks.get(this.id)
    } catch (err) {
      this.error = err
    }
  }
  /** After each keystroke: the search goes out once typing pauses. */
  typed() {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.filter(), SEARCH_DEBOUNCE_MS)
  }
  async filter() {
    clearTimeout(this.timer)
    const mine = ++this.asked
    this.paging = null
    try {
      const page = await this.fetch(undefined)
      if (mine !== this.asked) return
      this.cards = page.items
      this.cursor = page.nextCursor
      this.selected = []
      this.listError = null
    } catch (err) {
      if (mine === this.asked) this.listError = err
    }
  }
  more() {
    const { cursor } = this
    if (!cursor) return Promise.resolve()
    const mine = this.asked
    return (this.paging ??= (async () => {
      this.loadingMore = true
      try {
        const page = await this.fetch(cursor)
        if (mine !== this.asked) return // the filter changed meanwhile: this page belongs to the old list
        this.cards = [...(this.cards ?? []), ...page.items]
        this.cursor = page.nextCursor
      } catch (err) {
        this.listError = err
      } finally {
        this.loadingMore = false
        this.paging = null
      }
    })())
  }
  private fetch(cursor: string | undefined) {
    return this.api.decks.cards(this.id, {
      q: this.search.trim() || undefined,
      tag: this.tag.trim() || undefined,
      is: this.is || undefined,
      flag: this.is === 'flagged' && this.flag ? this.flag : undefined,
      cursor,
      limit: 50,
    })
  }
  dispose() {
    clearTimeout(this.timer)
  }
}

import { type Api, ApiError, type Grade, type QueueCard } from '../api'
import { FLAGS } from '../flags'

/** Custom study instead of today's queue: reviews due within `ahead` days, or every card with `tag`. */
export type Custom = { ahead?: number; tag?: string }

type Progress = { done: Grade[]; started: number }

/**
 * A study session: the queue of one deck or all, and what was graded so far. Progress is kept in
 * sessionStorage per deck, so a reload mid-session keeps the count and the summary. A card graded meanwhile in
 * another tab (409) reloads the queue by itself and says so.
 */
export class StudySession {
  queue = $state<QueueCard[] | null>(null)
  index = $state(0)
  total = $state(0) // what today's limits allow at the last load, from the server: the number Home and the deck show
  /** Cards left today, this one included. */
  readonly left = $derived(this.total - this.index)
  done = $state<Grade[]>([])
  started = $state(Date.now())
  error = $state<unknown>(null)
  note = $state<string | null>(null)
  grading = $state(false)
  /** What takes the last suspension or burial back, while its note is on screen. */
  reverted = $state<{ id: string; action: 'unsuspend' | 'unbury' } | null>(null)
  readonly card = $derived(this.queue?.[this.index] ?? null)
  private api: Api
  private deckId: string | undefined
  private custom: Custom
  private key: string
  private store: Pick<Storage, 'getItem' | 'setItem'>
  constructor(
    api: Api,
    deckId: string | undefined,
    store: Pick<Storage, 'getItem' | 'setItem'>,
    custom: Custom = {},
  ) {
    this.api = api
    this.custom = custom
    this.key = `ld_study_${deckId ?? 'all'}${custom.ahead ? `_ahead${custom.ahead}` : ''}${custom.tag ? `_tag_${custom.tag}` : ''}`
    this.store = store
    this.deckId = deckId
    const saved = JSON.parse(store.getItem(this.key) ?? 'null') as Progress | null
    // A session lasts the day it started in: yesterday's progress is not today's.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- two dates compared once, not state
    if (saved && new Date(saved.started).toDateString() === new Date().toDateString())
      ({ done: this.done, started: this.started } = saved)
  }
  private save() {
    this.store.setItem(
      this.key,
      JSON.stringify({ done: this.done, started: this.started } satisfies Progress),
    )
  }

  async load() {
    this.error = null
    try {
      const q = await this.api.study.queue(this.deckId, this.custom)
      this.queue = q.cards
      this.total = q.total
      this.index = 0
    } catch (err) {
      this.error = err
    }
  }
  /** Grades the card on screen; true when it was recorded. */
  async grade(g: Grade, durationMs: number) {
    const card = this.card
    if (!card || this.grading) return false
    this.grading = true
    this.error = null
    this.note = null
    this.reverted = null
    try {
      const graded = await this.api.study.review({
        cardId: card.id,
        grade: g,
        version: card.version,
        durationMs,
      })
      if (graded.leech)
        this.note = `“${card.front.slice(0, 80)}” is a leech: you have forgotten it many times, so it is tagged leech${graded.suspended ? ' and suspended' : ''}. Rewrite it or add a mnemonic${graded.suspended ? ', then unsuspend it from its deck' : ''}.`
      this.done = [...this.done, g]
      this.save()
      if (this.index + 1 < (this.queue?.length ?? 0)) this.index += 1
      else await this.load() // learning steps may bring cards back today
      return true
    } catch (err) {
      if (err instanceof ApiError && err.code === 'CONFLICT') {
        await this.load()
        this.note =
          'That card was already graded, probably in another tab or window, so the queue was reloaded. Carry on with the next card.'
      } else this.error = err
      return false
    } finally {
      this.grading = false
    }
  }
  /**
   * Suspends or buries the card on screen (it leaves this session), or moves its flag to `flag`. The note
   * says what happened; `revert()` takes a suspension or burial back.
   */
  async act(action: 'suspend' | 'bury' | 'flag', flag = 0) {
    const card = this.card
    if (!card || this.grading) return
    this.grading = true
    this.error = null
    try {
      await this.api.cards.act([card.id], action, action === 'flag' ? flag : undefined)
      const what = card.front.slice(0, 80)
      if (action === 'flag') {
        this.queue = (this.queue ?? []).map((c) => (c.id === card.id ? { ...c, flag } : c))
        this.note = flag ? `Flagged “${what}” ${FLAGS[flag]}.` : `Took the flag off “${what}”.`
        this.reverted = null
      } else {
        this.queue = (this.queue ?? []).filter((c) => c.id !== card.id)
        this.total -= 1
        this.note =
          action === 'suspend'
            ? `Suspended “${what}”: it stays out of study until you unsuspend it.`
            : `Buried “${what}” until tomorrow.`
        this.reverted = { id: card.id, action: action === 'suspend' ? 'unsuspend' : 'unbury' }
        if (this.index >= this.queue.length) await this.load()
      }
    } catch (err) {
      this.error = err
    } finally {
      this.grading = false
    }
  }
  async revert() {
    const r = this.reverted
    if (!r) return
    try {
      await this.api.cards.act([r.id], r.action)
      this.reverted = null
      this.note = null
      await this.load()
    } catch (err) {
      this.error = err
    }
  }

  async undo() {
    if (!this.done.length || this.grading) return
    this.grading = true
    this.note = null
    try {
      const restored = await this.api.study.undo()
      this.done = this.done.slice(0, -1)
      this.save()
      await this.load()
      const queue = this.queue ?? []
      const at = queue.findIndex((c) => c.id === restored.id)
      if (at > 0) this.queue = [queue[at], ...queue.filter((_, i) => i !== at)]
      this.note = `Undid the review of “${restored.front.slice(0, 80)}”.`
    } catch (err) {
      this.error = err
    } finally {
      this.grading = false
    }
  }
}

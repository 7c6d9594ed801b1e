import type { Page } from './api'

/** A list read in keyset pages: `load()` reads the first page (again), `load(true)` appends the next one. */
export class KeysetList<T> {
  items = $state<T[] | null>(null)
  cursor = $state<string | null>(null)
  busy = $state(false)
  error = $state<unknown>(null)
  private fetchPage: (cursor?: string) => Promise<Page<T>>
  constructor(fetchPage: (cursor?: string) => Promise<Page<T>>) {
    this.fetchPage = fetchPage
  }

  async load(more = false) {
    this.busy = true
    this.error = null
    try {
      const page = await this.fetchPage(more ? (this.cursor ?? undefined) : undefined)
      this.items = more ? [...(this.items ?? []), ...page.items] : page.items
      this.cursor = page.nextCursor
    } catch (err) {
      this.error = err
    } finally {
      this.busy = false
    }
  }
}

/** A day picked in a date input, as the start of that day (`next`: of the day after, for "to"), UTC. */
export const dayStart = (d: string, next = false) =>
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a value turned into text at once, not state
  d ? new Date(Date.parse(`${d}T00:00:00Z`) + (next ? 86_400_000 : 0)).toISOString() : undefined

import type { Api, Balance, Checkout, Transaction } from '../api'

/**
 * The Credits page's data. Loaded once by `load()`; `more()` appends the next page of history exactly once
 * (a second call while one is in flight joins it), so items never repeat.
 */
export class CreditsPage {
  balance = $state<Balance | null>(null)
  checkout = $state<Checkout | null>(null)
  items = $state<Transaction[] | null>(null)
  cursor = $state<string | null>(null)
  error = $state<unknown>(null)
  buyError = $state<unknown>(null)
  historyError = $state<unknown>(null)
  loadingMore = $state(false)
  private api: Api
  private paging: Promise<void> | null = null
  constructor(api: Api) {
    this.api = api
  }

  async load() {
    await Promise.all([
      this.api.credits.balance().then(
        (b) => (this.balance = b),
        (err) => (this.error = err),
      ),
      this.api.credits.checkout().then(
        (c) => (this.checkout = c),
        (err) => (this.buyError = err),
      ),
      this.page(undefined),
    ])
  }
  more() {
    if (!this.cursor) return Promise.resolve()
    return (this.paging ??= this.page(this.cursor).finally(() => (this.paging = null)))
  }
  private async page(cursor: string | undefined) {
    this.loadingMore = !!cursor
    this.historyError = null
    try {
      const page = await this.api.credits.history(cursor)
      this.items = [...(cursor ? (this.items ?? []) : []), ...page.items]
      this.cursor = page.nextCursor
    } catch (err) {
      this.historyError = err
    } finally {
      this.loadingMore = false
    }
  }
}

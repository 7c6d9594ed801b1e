import type { Result, Router } from 'hono/router'
import { RegExpRouter } from 'hono/router/reg-exp-router'
import { SmartRouter } from 'hono/router/smart-router'
import { TrieRouter } from 'hono/router/trie-router'

const PATHS_KEPT = 1000
const PATH_MAX = 256 // longer paths are rare and would make the kept answers large

/**
 * Hono's default router, with its answer for each method and path kept: routes are fixed once the app
 * serves, so an answer never changes, and Hono only reads it. The backend's routes need the trie router
 * (RegExpRouter refuses `/api/cards/:id` beside `/api/cards/actions`), whose search was a tenth of a cheap
 * route's work. Answers kept past PATHS_KEPT are dropped together.
 */
export class CachedRouter<T> implements Router<T> {
  name = 'CachedRouter'
  #router = new SmartRouter<T>({ routers: [new RegExpRouter(), new TrieRouter()] })
  #answers = new Map<string, Result<T>>()

  add(method: string, path: string, handler: T) {
    this.#router.add(method, path, handler)
  }

  match(method: string, path: string): Result<T> {
    if (path.length > PATH_MAX) return this.#router.match(method, path)
    const key = `${method} ${path}`
    let answer = this.#answers.get(key)
    if (!answer) {
      answer = this.#router.match(method, path)
      if (this.#answers.size >= PATHS_KEPT) this.#answers.clear()
      this.#answers.set(key, answer)
    }
    return answer
  }
}

/** Names a middleware after its configuration, e.g. `rateLimit(ai)`: `npm run routes` prints the chain by name. */
export const named = <F extends (...args: never[]) => unknown>(name: string, fn: F): F =>
  Object.defineProperty(fn, 'name', { value: name })

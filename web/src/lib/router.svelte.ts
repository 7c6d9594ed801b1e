// Hash routes (#/decks/…), so a reload or a shared link works from the one index.html. The reset link in
// the email is /reset-password#token=…, which this reads as the reset route.

export type Route = { name: string; params: Record<string, string>; query: URLSearchParams }

const PATTERNS: [string, RegExp][] = [
  ['home', /^\/$/],
  ['signin', /^\/signin$/],
  ['signup', /^\/signup$/],
  ['verify', /^\/verify$/],
  ['forgot', /^\/forgot$/],
  ['deck', /^\/decks\/(?<id>[\w-]+)$/],
  ['deck-options', /^\/decks\/(?<id>[\w-]+)\/options$/],
  ['card', /^\/cards\/(?<id>[\w-]+)$/],
  ['study', /^\/study$/],
  ['stats', /^\/stats$/],
  ['credits', /^\/credits$/],
  ['settings', /^\/settings$/],
  ['import', /^\/import$/],
  ['admin-people', /^\/admin$/],
  ['admin-person', /^\/admin\/users\/(?<id>[0-9A-Z]{10})$/],
  ['admin-audit', /^\/admin\/audit$/],
  ['admin-stats', /^\/admin\/stats$/],
  ['admin-transactions', /^\/admin\/transactions$/],
  ['admin-ops', /^\/admin\/operations$/],
]

// The query is a value read once per navigation, never changed in place: nothing to react to.
/* eslint-disable svelte/prefer-svelte-reactivity */
export function parse(pathname: string, hash: string): Route {
  if (pathname === '/reset-password')
    return { name: 'reset', params: {}, query: new URLSearchParams(hash.slice(1)) }
  const [path, search = ''] = (hash.replace(/^#/, '') || '/').split('?')
  for (const [name, re] of PATTERNS) {
    const m = re.exec(path)
    if (m) return { name, params: { ...m.groups }, query: new URLSearchParams(search) }
  }
  return { name: 'notfound', params: {}, query: new URLSearchParams(search) }
}
/* eslint-enable svelte/prefer-svelte-reactivity */

export const router = $state({ route: parse(location.pathname, location.hash) })

// A page with unsaved edits registers a guard: leaving it by a link, the back button, a reload or closing the
// tab asks first. Only one page is on screen, so one guard is enough.
let guard: (() => boolean) | null = null
let here = location.href
export const LEAVE_QUESTION = 'You have unsaved changes. Leave this page and lose them?'

/** While `unsaved()` is true, leaving asks first. Returns the function that removes the guard. */
export function guardLeaving(unsaved: () => boolean) {
  guard = unsaved
  return () => void (guard === unsaved && (guard = null))
}

/** Whether the page on screen holds unsaved edits. */
export const unsavedHere = () => !!guard?.()

addEventListener('hashchange', () => {
  if (guard?.() && !confirm(LEAVE_QUESTION)) return history.replaceState(null, '', here) // stay, URL put back
  here = location.href
  router.route = parse(location.pathname, location.hash)
})
addEventListener('beforeunload', (e) => {
  if (guard?.()) e.preventDefault() // the browser asks with its own words
})

/** Goes to a route after an action the user took there (saved, deleted, signed out): no question asked. */
export function navigate(to: string) {
  guard = null
  if (location.pathname !== '/')
    history.replaceState(null, '', '/' + to) // leave /reset-password behind
  else location.hash = to
  here = location.href
  router.route = parse(location.pathname, location.hash)
}

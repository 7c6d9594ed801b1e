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
  ['card', /^\/cards\/(?<id>[\w-]+)$/],
  ['study', /^\/study$/],
  ['stats', /^\/stats$/],
  ['credits', /^\/credits$/],
  ['settings', /^\/settings$/],
  ['admin', /^\/admin$/],
]

export function parse(pathname: string, hash: string): Route {
  if (pathname === '/reset-password') return { name: 'reset', params: {}, query: new URLSearchParams(hash.slice(1)) }
  const [path, search = ''] = (hash.replace(/^#/, '') || '/').split('?')
  for (const [name, re] of PATTERNS) {
    const m = re.exec(path)
    if (m) return { name, params: { ...m.groups }, query: new URLSearchParams(search) }
  }
  return { name: 'notfound', params: {}, query: new URLSearchParams(search) }
}

export const router = $state({ route: parse(location.pathname, location.hash) })

addEventListener('hashchange', () => (router.route = parse(location.pathname, location.hash)))

export function navigate(to: string) {
  if (location.pathname !== '/') history.replaceState(null, '', '/' + to) // leave /reset-password behind
  else location.hash = to
  router.route = parse(location.pathname, location.hash)
}

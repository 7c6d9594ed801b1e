// Light or dark: the system's choice (prefers-color-scheme) until the learner flips the header's toggle; the
// choice is kept on this device only.
type Theme = 'light' | 'dark'
const KEY = 'ld_theme'
const system = () => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')
const chosen = () => localStorage.getItem(KEY) as Theme | null

export const theme = $state<{ now: Theme }>({ now: chosen() ?? system() })

/** Sets the page's theme attribute from the stored choice (none: follow the system). */
export function applyTheme() {
  const c = chosen()
  if (c) document.documentElement.dataset.theme = c
  else delete document.documentElement.dataset.theme
  theme.now = c ?? system()
}
export function toggleTheme() {
  const next: Theme = theme.now === 'dark' ? 'light' : 'dark'
  if (next === system())
    localStorage.removeItem(KEY) // back to following the system
  else localStorage.setItem(KEY, next)
  applyTheme()
}
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', applyTheme)

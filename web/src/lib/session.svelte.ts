import { createApi, type User } from './api'
import { navigate } from './router.svelte'

export const session = $state<{ user: User | null; restoring: boolean }>({
  user: null,
  restoring: true,
})

export const api = createApi({
  storage: localStorage,
  onSignedOut: () => navigate('#/signin?expired=1'),
})
api.onUser((u) => {
  session.user = u
})

export async function restoreSession() {
  await api.restore()
  session.restoring = false
}

import { ApiError } from './errors'

// Keyset pagination on (created_at, id): stable while rows arrive, unlike offsets.
export const encodeCursor = (t: { createdAt: Date; id: string }) => btoa(`${t.createdAt.toISOString()}|${t.id}`)

export function decodeCursor(cursor: string) {
  let parts: string[] = []
  try {
    parts = atob(cursor).split('|')
  } catch {
    // not base64: refused below
  }
  const [at, id] = parts
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) throw new ApiError('BAD_REQUEST', 'Invalid cursor')
  return { at: new Date(at), id }
}

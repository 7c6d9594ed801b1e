import { ApiError } from '../errors'

/**
 * The request body, read as it streams in and refused as soon as it passes `max` bytes (a declared
 * Content-Length over it is refused before reading): at most `max` bytes are ever held.
 */
export async function readUpload(req: Request, max: number) {
  const tooLarge = () =>
    new ApiError(
      'PACKAGE_TOO_LARGE',
      `An Anki package may be at most ${Math.floor(max / 1_000_000)} MB`,
      {
        maxBytes: max,
      },
    )
  if (Number(req.headers.get('content-length')) > max) throw tooLarge()
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = req.body?.getReader()
  for (;;) {
    const next = await reader?.read()
    if (!next || next.done) break
    total += next.value.length
    if (total > max) {
      await reader?.cancel()
      throw tooLarge()
    }
    chunks.push(next.value)
  }
  return joinChunks(chunks, total)
}

/** The chunks of a stream as one array of `total` bytes. */
function joinChunks(chunks: Uint8Array[], total: number) {
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

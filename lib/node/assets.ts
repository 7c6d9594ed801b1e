import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseAccept } from 'hono/utils/accept'
import { getMimeType } from 'hono/utils/mime'
import type { Fetcher } from '../services'

// Precompressed twins written by the build (web/precompress.ts), best first.
const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const
type Variant = { encoding?: string; body: Uint8Array<ArrayBuffer>; etag: string }
type Loaded = { mtimeMs: number; type: string; variants: Variant[] } // identity last

/**
 * The representation the client takes: the acceptable encoding with the highest q (br before gzip when
 * equal), else identity. `*` covers encodings not named; `q=0` refuses.
 */
export function chooseEncoding(header: string | undefined, offered: readonly string[]) {
  if (!header) return undefined
  const accepts = parseAccept(header)
  const wildcard = accepts.find((a) => a.type === '*')?.q ?? 0
  let best: { name: string; q: number } | undefined
  for (const name of offered) {
    const q = accepts.find((a) => a.type.toLowerCase() === name)?.q ?? wildcard
    if (q > 0 && (!best || q > best.q)) best = { name, q }
  }
  return best?.name
}

const decoded = (path: string) => {
  try {
    return decodeURIComponent(path)
  } catch {
    return undefined
  }
}

async function load(path: string, mtimeMs: number): Promise<Loaded> {
  const body = new Uint8Array(await readFile(path))
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22)
  const twins = await Promise.all(
    ENCODINGS.map(({ name, ext }) =>
      readFile(path + ext).then(
        (b): Variant => ({ encoding: name, body: new Uint8Array(b), etag: `"${hash}-${name}"` }),
        () => undefined,
      ),
    ),
  )
  return {
    mtimeMs,
    type: getMimeType(path) ?? 'application/octet-stream',
    variants: [...twins.filter((v) => v !== undefined), { body, etag: `"${hash}"` }],
  }
}

/**
 * The built SPA from `dir`, held in memory: each file as built and as its precompressed twins, chosen by
 * Accept-Encoding, with a strong ETag per representation (304 on a match). Hashed files under /assets/ are
 * cached for a year; everything else is revalidated. Unknown paths outside /assets/ get index.html, so
 * client-side routes survive a reload.
 */
export function staticAssets(dir: string): Fetcher {
  const cache = new Map<string, Loaded>()
  async function file(path: string) {
    const s = await stat(path).catch(() => undefined)
    if (!s?.isFile()) return undefined
    let hit = cache.get(path)
    if (hit?.mtimeMs !== s.mtimeMs) cache.set(path, (hit = await load(path, s.mtimeMs)))
    return hit
  }
  return {
    async fetch(req) {
      const { pathname } = new URL(req.url)
      const name = decoded(pathname)
      // No climbing out of dir, no hidden files, no precompressed twin asked for by name.
      const safe =
        name !== undefined &&
        name !== '/' &&
        !/(?:^|[/\\])\.|\\|\0/.test(name) &&
        !ENCODINGS.some((e) => name.endsWith(e.ext))
      const asset = pathname.startsWith('/assets/')
      let found = safe ? await file(join(dir, name)) : undefined
      if (!found && asset) return new Response('Not found', { status: 404 })
      found ??= await file(join(dir, 'index.html'))
      if (!found) return new Response('SPA not built', { status: 503 })
      const { variants, type } = found
      const encoding = chooseEncoding(
        req.headers.get('accept-encoding') ?? undefined,
        variants.flatMap((v) => v.encoding ?? []),
      )
      const variant = variants.find((v) => v.encoding === encoding) ?? variants[variants.length - 1]
      const headers = new Headers({
        'content-type': type,
        etag: variant.etag,
        'cache-control': asset ? 'public, max-age=31536000, immutable' : 'no-cache',
      })
      if (variants.length > 1) headers.set('vary', 'Accept-Encoding')
      const tags = req.headers.get('if-none-match')
      if (
        tags &&
        (tags.trim() === '*' ||
          tags.split(',').some((t) => t.trim().replace(/^W\//, '') === variant.etag))
      )
        return new Response(null, { status: 304, headers })
      if (variant.encoding) headers.set('content-encoding', variant.encoding)
      headers.set('content-length', String(variant.body.length))
      return new Response(req.method === 'HEAD' ? null : variant.body, { headers })
    },
  }
}

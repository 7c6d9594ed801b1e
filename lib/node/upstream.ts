import { Readable } from 'node:stream'
import { type Dispatcher, Pool } from 'undici'
import { cached } from '../cached'
import type { Send } from '../services'
import { HOP_BY_HOP, type Upstream } from '../upstream'

// An answer up to this size is read whole and sent on in one write; larger or unsized ones stream through.
const BUFFER_MAX = 64 * 1024
const NO_BODY = new Set([101, 204, 205, 304])

/**
 * The body once its first bytes are there (or it ended). undici writes a request's head only with the first
 * bytes of its body, so a request sent before them left a kept-alive connection silent for as long as the
 * client took to start: the backend closed it as idle (keepAliveTimeout, 5 s) and a slow upload got 503.
 */
async function begun(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader()
  const first = await reader.read()
  return new ReadableStream<Uint8Array>({
    start: (out) => (first.done ? out.close() : out.enqueue(first.value)),
    async pull(out) {
      const next = await reader.read()
      if (next.done) out.close()
      else out.enqueue(next.value)
    },
    cancel: (reason) => reader.cancel(reason),
  })
}

/** undici's answer as a web Response, without hop-by-hop headers (nor `drop`); a small body read whole. */
async function answerOf(res: Dispatcher.ResponseData, method: string, drop?: ReadonlySet<string>) {
  const answer: [string, string][] = []
  for (const [name, value] of Object.entries(res.headers))
    if (value !== undefined && !HOP_BY_HOP.has(name) && !drop?.has(name))
      for (const v of Array.isArray(value) ? value : [value]) answer.push([name, v])
  const size = Number(res.headers['content-length'] ?? Infinity)
  if (NO_BODY.has(res.statusCode) || method === 'HEAD') {
    res.body.resume() // nothing to read; frees the connection
    return new Response(null, { status: res.statusCode, headers: answer })
  }
  const content =
    size <= BUFFER_MAX
      ? new Uint8Array(await res.body.arrayBuffer())
      : (Readable.toWeb(res.body) as ReadableStream<Uint8Array>)
  return new Response(content, { status: res.statusCode, headers: answer })
}

/**
 * The backend over a pool of keep-alive connections (undici's Pool, HTTP/1.1): no fetch machinery (Request,
 * Response, Headers, AbortSignal) per request, and no new TCP handshake once the pool is warm.
 */
export function poolUpstream(base: string, o: { connections?: number } = {}): Upstream {
  const pool = new Pool(new URL(base).origin, { connections: o.connections ?? 128 })
  return {
    async request({ method, path, headers, body, drop }) {
      const started = body && (await begun(body))
      const res = await pool.request({
        method: method as 'GET',
        path,
        headers,
        body: started && Readable.fromWeb(started as import('node:stream/web').ReadableStream),
      })
      return answerOf(res, method, drop)
    },
    close: () => pool.close(),
  }
}

/**
 * Calls between roles (lib/services.ts) over a keep-alive pool per role: no fetch machinery (a Request, its
 * clone, web streams both ways) on every hop of a paid call.
 */
export function poolSend(): Send {
  const pools = new Map<string, Pool>()
  return async (url, { method, headers, body, signal }) => {
    // No cap on connections, as fetch has none: a storm's calls wait at the role they call, under their own
    // timeouts, not queued here for a free connection.
    const pool = cached(pools, url.origin, () => new Pool(url.origin))
    const res = await pool.request({
      method: method as 'GET',
      path: url.pathname + url.search,
      headers,
      body,
      signal,
    })
    return answerOf(res, method)
  }
}

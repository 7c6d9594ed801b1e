import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import { type Dispatcher, Pool } from 'undici'
import { cached } from '../cached'
import type { Send } from '../services'
import { HOP_BY_HOP, type Upstream } from '../upstream'

// An answer up to this size is read whole and sent on in one write; larger or unsized ones stream through.
const BUFFER_MAX = 64 * 1024
const NO_BODY = new Set([101, 204, 205, 304])
// A streamed answer is read from the backend while less than this waits for the client.
const QUEUED = { highWaterMark: BUFFER_MAX, size: (chunk: Uint8Array) => chunk.byteLength }

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

/**
 * One answer as a web Response, without hop-by-hop headers (nor `drop`), built from undici's callbacks: a
 * small body is gathered whole, a large or unsized one streamed with backpressure. undici's request() put a
 * Node stream, its events and a promise per read between the socket and this; for a proxied JSON answer
 * they were a tenth of the edge's work.
 */
class Answer implements Dispatcher.DispatchHandler {
  #chunks: Buffer[] = []
  #stream?: ReadableStreamDefaultController<Uint8Array>
  #head?: { status: number; headers: [string, string][] }
  #settled = false
  #unlisten?: () => void

  constructor(
    readonly method: string,
    readonly drop: ReadonlySet<string> | undefined,
    readonly resolve: (res: Response) => void,
    readonly reject: (err: unknown) => void,
    readonly signal?: AbortSignal,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController) {
    const { signal } = this
    if (!signal) return
    if (signal.aborted) return controller.abort(signal.reason)
    const abort = () => controller.abort(signal.reason)
    signal.addEventListener('abort', abort, { once: true })
    this.#unlisten = () => signal.removeEventListener('abort', abort)
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ) {
    if (status < 200) return // informational (100 Continue): the answer is still to come
    const answer: [string, string][] = []
    for (const name in headers) {
      const value = headers[name]
      if (value === undefined || HOP_BY_HOP.has(name) || this.drop?.has(name)) continue
      if (typeof value === 'string') answer.push([name, value])
      else for (const v of value) answer.push([name, v])
    }
    if (NO_BODY.has(status) || this.method === 'HEAD') return this.#settle(null, status, answer)
    const size = Number(headers['content-length'] ?? Infinity)
    if (size <= BUFFER_MAX) return void (this.#head = { status, headers: answer })
    const body = new ReadableStream<Uint8Array>(
      {
        start: (out) => void (this.#stream = out),
        pull: () => controller.resume(),
        cancel: (reason) => controller.abort(reason instanceof Error ? reason : new Error(reason)),
      },
      QUEUED,
    )
    this.#settle(body, status, answer)
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer) {
    if (this.#stream) {
      if (chunk.length === 0) return // undici's parser, resumed, may hand over nothing: no reason to pause
      this.#stream.enqueue(new Uint8Array(chunk))
      if ((this.#stream.desiredSize ?? 1) <= 0) controller.pause()
    } else if (this.#head) this.#chunks.push(chunk)
  }

  onResponseEnd() {
    this.#unlisten?.()
    if (this.#stream) this.#stream.close()
    else if (this.#head) {
      const body = new Uint8Array(Buffer.concat(this.#chunks))
      this.#settle(body, this.#head.status, this.#head.headers)
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error) {
    this.#unlisten?.()
    if (!this.#settled) {
      this.#settled = true
      this.reject(err)
    } else this.#stream?.error(err)
  }

  #settle(body: BodyInit | null, status: number, headers: [string, string][]) {
    this.#settled = true
    this.resolve(new Response(body, { status, headers }))
  }
}

const dispatch = (
  pool: Pool,
  o: Dispatcher.DispatchOptions,
  drop?: ReadonlySet<string>,
  signal?: AbortSignal,
) =>
  new Promise<Response>((resolve, reject) => {
    pool.dispatch(o, new Answer(o.method, drop, resolve, reject, signal))
  })

/**
 * The backend over a pool of keep-alive connections (undici's Pool, HTTP/1.1): no fetch machinery (Request,
 * Response, Headers, AbortSignal) per request, and no new TCP handshake once the pool is warm.
 */
export function poolUpstream(base: string, o: { connections?: number } = {}): Upstream {
  const pool = new Pool(new URL(base).origin, { connections: o.connections ?? 128 })
  return {
    async request({ method, path, headers, body, drop }) {
      const started = body && (await begun(body))
      const upload =
        started && Readable.fromWeb(started as import('node:stream/web').ReadableStream)
      return dispatch(pool, { method: method as 'GET', path, headers, body: upload }, drop)
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
    const path = url.pathname + url.search
    return dispatch(pool, { method: method as 'GET', path, headers, body }, undefined, signal)
  }
}

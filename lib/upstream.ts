import { ApiError } from './errors'

/** One request from the edge to the backend, passed on as it came (headers already vetted by the edge). */
export type UpstreamRequest = {
  method: string
  /** Path and query. */
  path: string
  headers: Record<string, string>
  body: ReadableStream<Uint8Array> | null
  /** Headers of the answer not to pass on (lower case), besides the hop-by-hop ones. */
  drop?: ReadonlySet<string>
}

/**
 * How the edge reaches the backend: `fetch` where that is all there is (workerd), a keep-alive connection
 * pool on Node (lib/node/upstream.ts). The answer carries end-to-end headers only, and they may be changed;
 * redirects come back as they are; a failure to connect rejects.
 */
export type Upstream = {
  request(r: UpstreamRequest): Promise<Response>
  close(): Promise<void>
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, in either direction. */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

export const fetchUpstream = (base: string): Upstream => ({
  async request({ method, path, headers, body, drop }) {
    const res = await fetch(new URL(path, base), {
      method,
      headers,
      body,
      redirect: 'manual',
      ...(body && { duplex: 'half' }), // a streamed request body (Node's fetch requires saying so)
    })
    const answer = new Headers(res.headers) // fetch's own are immutable
    for (const name of HOP_BY_HOP) answer.delete(name)
    for (const name of drop ?? []) answer.delete(name)
    return new Response(res.body, {
      status: res.status,
      statusText: res.statusText,
      headers: answer,
    })
  },
  close: async () => {},
})

/**
 * A request body as it arrives, failing with 408 once none of it has come for `idleMs`: a stalled upload gets
 * a clear answer, and the backend's request ends, instead of both waiting for bytes that never come.
 */
export function stallGuard(body: ReadableStream<Uint8Array>, idleMs: number) {
  const reader = body.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(out) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const stalled = new Promise<never>((_, fail) => {
        timer = setTimeout(() => {
          const s = idleMs / 1000
          fail(new ApiError('REQUEST_TIMEOUT', `The upload stalled: nothing arrived for ${s} s`))
        }, idleMs)
      })
      try {
        const next = await Promise.race([reader.read(), stalled])
        if (next.done) out.close()
        else out.enqueue(next.value)
      } finally {
        clearTimeout(timer)
      }
    },
    cancel: (reason) => reader.cancel(reason),
  })
}

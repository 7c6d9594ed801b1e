import { connect as tcp, type Socket } from 'node:net'
import { connect as tls } from 'node:tls'
import type { Logger } from '../log'

type Reply = string | number | null | Reply[]
type Pending = { ok: (r: Reply) => void; fail: (e: Error) => void }
const CONNECT_TIMEOUT_MS = 2000
const RETRY_MAX_MS = 1000
// A connection with commands waiting and no reply for one to two of these is given up: a frozen Redis
// (SIGSTOP, a hang) keeps its TCP connection alive, and every command sent to it waited in memory for good.
// Longer than the limiter's longest timeout and its 5 s "alive" window, so its fail-open/closed rules hold.
const STALL_MS = 5000

/**
 * One RESP2 reply at `at`, with the offset after it; while more bytes are needed, the least length `buf`
 * must have before it can be read (known from a bulk string's size, else one byte more).
 */
function parse(buf: Buffer, at: number): [Reply | Error, number] | number {
  const eol = buf.indexOf('\r\n', at)
  if (eol < 0) return buf.length + 1
  const line = buf.toString('latin1', at + 1, eol)
  switch (buf[at]) {
    case 43: // +
      return [line, eol + 2]
    case 45: // -
      return [new Error(line), eol + 2]
    case 58: // :
      return [Number(line), eol + 2]
    case 36: {
      // $
      const n = Number(line)
      if (n < 0) return [null, eol + 2]
      if (buf.length < eol + 4 + n) return eol + 4 + n
      return [buf.toString('utf8', eol + 2, eol + 2 + n), eol + 4 + n]
    }
    case 42: {
      // *
      const n = Number(line)
      if (n < 0) return [null, eol + 2]
      const items: Reply[] = []
      let failed: Error | undefined // a script may return an error inside a table: the whole reply fails
      let next = eol + 2
      for (let i = 0; i < n; i++) {
        const item = parse(buf, next)
        if (typeof item === 'number') return item
        if (item[0] instanceof Error) failed ??= item[0]
        else items.push(item[0])
        next = item[1]
      }
      return [failed ?? items, next]
    }
  }
  throw new Error(`Unexpected RESP type byte ${buf[at]}`)
}

const encode = (args: string[]) => {
  let out = `*${args.length}\r\n`
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`
  return out
}

/**
 * A minimal Redis client for the hot path (a rate-limit script per request): the commands of one event-loop
 * turn go out in one write, replies are matched in order. In a profile of the gateway bench's backend,
 * ioredis's own code took about 9 µs per request and this 2.5. While disconnected it reconnects with
 * backoff; a command sent then fails at once (its caller decides to fail open or closed) unless a connection
 * attempt is under way, which it waits for. No timeout per command: the limiter keeps its own; a connection
 * that answers nothing for seconds is dropped (STALL_MS).
 */
export function respClient(url: URL, o: { password?: string; log?: Logger } = {}) {
  const pending: Pending[] = []
  let queued: string[] = []
  const waiting: { args: string[]; p: Pending }[] = [] // sent before the connection was ready
  let socket: Socket | undefined
  let state: 'connecting' | 'ready' | 'down' | 'closed' = 'down'
  let rest: Buffer[] = [] // the start of a reply still incomplete
  let restLength = 0
  let need = 0 // the length it needs at least: a large reply is copied once, not on every read
  let attempts = 0
  let retry: ReturnType<typeof setTimeout> | undefined
  let replies = 0 // replies read, for the stall check
  let seen = -1 // replies at its last run while commands waited; -1: none waited then (on this connection)
  const password = o.password ?? decodeURIComponent(url.password)
  const hello: string[][] = []
  if (password)
    hello.push(
      url.username ? ['AUTH', decodeURIComponent(url.username), password] : ['AUTH', password],
    )
  const db = Number(url.pathname.slice(1) || 0)
  if (db) hello.push(['SELECT', String(db)])

  function flush() {
    if (socket && queued.length) socket.write(queued.join(''))
    queued = []
  }
  function send(args: string[], p: Pending) {
    if (!queued.length) setImmediate(flush)
    queued.push(encode(args))
    pending.push(p)
  }
  function failAll(err: Error) {
    seen = -1
    for (const p of pending.splice(0)) p.fail(err)
    for (const w of waiting.splice(0)) w.p.fail(err)
    queued = []
  }
  function onData(chunk: Buffer) {
    let buf = chunk
    if (restLength) {
      rest.push(chunk)
      restLength += chunk.length
      if (restLength < need) return
      buf = Buffer.concat(rest, restLength)
      rest = []
      restLength = 0
    }
    let at = 0
    let r: ReturnType<typeof parse>
    try {
      for (r = parse(buf, at); typeof r !== 'number'; r = parse(buf, at)) {
        at = r[1]
        replies++
        const p = pending.shift()
        if (r[0] instanceof Error) p?.fail(r[0])
        else p?.ok(r[0])
      }
    } catch (err) {
      return socket?.destroy(err as Error) // a stream we cannot read: start over on a new connection
    }
    if (at === buf.length) return
    rest = [buf.subarray(at)]
    restLength = buf.length - at
    need = r - at
  }
  function connectNow() {
    state = 'connecting'
    rest = []
    restLength = 0
    const port = Number(url.port || 6379)
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const s =
      url.protocol === 'rediss:' ? tls({ host, port, servername: host }) : tcp({ host, port })
    socket = s
    s.setNoDelay(true)
    s.setTimeout(CONNECT_TIMEOUT_MS, () => s.destroy(new Error('Redis connect timeout')))
    s.once(url.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => {
      s.setTimeout(0)
      const hellos = hello.map((args) => new Promise<Reply>((ok, fail) => send(args, { ok, fail })))
      Promise.all(hellos).then(
        () => {
          state = 'ready'
          attempts = 0
          for (const w of waiting.splice(0)) send(w.args, w.p)
        },
        (err: Error) => s.destroy(err),
      )
    })
    s.on('data', onData)
    s.on('error', (err) => o.log?.warn('redis error', { error: err.message }))
    s.once('close', () => {
      if (socket === s) socket = undefined
      failAll(new Error('Redis connection closed'))
      if (state === 'closed') return
      state = 'down'
      retry = setTimeout(connectNow, Math.min(RETRY_MAX_MS, 50 * 2 ** attempts++))
    })
  }

  function command(args: string[]) {
    return new Promise<Reply>((ok, fail) => {
      if (state === 'ready') send(args, { ok, fail })
      else if (state === 'connecting') waiting.push({ args, p: { ok, fail } })
      else fail(new Error(state === 'closed' ? 'Redis client closed' : 'Redis is unreachable'))
    })
  }
  const stall = setInterval(() => {
    if (pending.length && replies === seen) socket?.destroy(new Error('Redis not answering'))
    seen = pending.length ? replies : -1
  }, STALL_MS).unref()
  connectNow()
  return {
    command,
    close() {
      state = 'closed'
      clearTimeout(retry)
      clearInterval(stall)
      socket?.destroy()
      failAll(new Error('Redis client closed'))
    },
  }
}

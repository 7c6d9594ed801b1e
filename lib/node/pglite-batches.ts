import type { PGlite } from '@electric-sql/pglite'
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket'

/*
 * @electric-sql/pglite-socket 0.2.17 runs every connection's protocol messages in PGlite's one session and
 * keeps a connection's turn only while a transaction is open. An extended-query batch (Parse … Sync, which
 * node-postgres sends for every parameterised query) is not a transaction, so two connections' batches
 * interleave and one binds the other's unnamed statement: "unnamed prepared statement does not exist", or
 * silently wrong rows. A throw inside its queue also leaves it `processing` forever. Both are upstream
 * electric-sql/pglite issue #1046 (fix: PR #977, unreleased). This replaces the two queue methods involved,
 * on the server's own queue instance; delete it once a release carries that fix.
 */

type Queued = {
  handlerId: number
  message: Uint8Array
  onData(data: Uint8Array): void
  resolve(bytes: number): void
  reject(error: Error): void
}
type Queue = {
  db: PGlite
  queue: Queued[]
  processing: boolean
  enqueue(
    handlerId: number,
    message: Uint8Array,
    onData: (data: Uint8Array) => void,
  ): Promise<number>
  processQueue(): Promise<void>
  clearTransactionIfNeeded(handlerId: number): Promise<void>
}

const frame = (type: string, body = '') => {
  const out = Buffer.alloc(5 + Buffer.byteLength(body))
  out.write(type, 0)
  out.writeInt32BE(out.length - 1, 1)
  out.write(body, 5)
  return new Uint8Array(out)
}
const SYNC = frame('S')
const ROLLBACK = frame('Q', 'rollback\0')
const READY = [0x5a, 0, 0, 0, 5] // ReadyForQuery, then its one status byte
const TERMINATE = 0x58 // PGlite answers nothing; the connection is done

/** Does a reply end with ReadyForQuery? `tail` holds its last 6 bytes. */
const endsReady = (tail: Uint8Array) =>
  tail.length === 6 && READY.every((byte, i) => tail[i] === byte)

/** A connection keeps PGlite's session from its first message until PGlite is ready and idle again. */
export function isolateBatches(server: PGLiteSocketServer) {
  const q = (server as unknown as { queryQueue: Queue }).queryQueue
  if (!Array.isArray(q?.queue) || typeof q.processQueue !== 'function')
    throw new Error('pglite-socket internals changed: revisit lib/node/pglite-batches.ts')
  let owner: number | null = null // the handler whose batch or transaction is open
  let running: number | null = null

  q.processQueue = async () => {
    if (q.processing) return
    q.processing = true
    try {
      for (;;) {
        // With an owner, only its next message may run; none queued yet means wait for it.
        const i = owner === null ? 0 : q.queue.findIndex((m) => m.handlerId === owner)
        if (i < 0 || i >= q.queue.length) break
        const [m] = q.queue.splice(i, 1)
        let bytes = 0
        let tail = new Uint8Array(0)
        running = owner = m.handlerId
        try {
          await q.db.runExclusive(() =>
            q.db.execProtocolRawStream(m.message, {
              onRawData: (data) => {
                bytes += data.length
                tail = Uint8Array.of(...tail, ...data.subarray(-6)).slice(-6)
                m.onData(data)
              },
            }),
          )
        } catch (error) {
          // The handler then detaches; its cleanup below ends whatever it left open.
          m.reject(error as Error)
          continue
        } finally {
          running = null
        }
        const done = endsReady(tail) || m.message[0] === TERMINATE
        if (done && !q.db.isInTransaction()) owner = null
        m.resolve(bytes)
      }
    } finally {
      q.processing = false
    }
  }

  // A connection that goes away mid-batch or mid-transaction (or mid-message) leaves the session to the
  // next one clean: Sync ends the batch (and PGlite's skip-until-Sync after an error), rollback the rest.
  q.clearTransactionIfNeeded = async (handlerId) => {
    if (owner !== handlerId && running !== handlerId) return
    const discard = () => {}
    await Promise.all([
      q.enqueue(handlerId, SYNC, discard),
      q.enqueue(handlerId, ROLLBACK, discard),
    ]).catch(discard) // the database is closing with the server
  }
}

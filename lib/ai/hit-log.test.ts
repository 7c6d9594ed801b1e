import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestDatabase, testDatabase } from '../../test/testing'
import { createPgDb } from '../node/db'
import { type Hit, logHit } from './hit-log'

let t: TestDatabase
beforeAll(async () => (t = await testDatabase()))
afterAll(() => t.close())

/** A cached answer of a learner of its own, and a hit on it. */
async function cached() {
  const userId = randomUUID()
  const key = `key-${userId}`
  await t.owner.query(
    `insert into ai.cache (key, operation, plugin, model, result, cost) values ($1, 'translate', 'deepseek', 'm', '{}', 621)`,
    [key],
  )
  const hit = (i: number): Hit => ({
    key,
    userId,
    operation: 'translate',
    plugin: 'deepseek',
    model: 'm',
    cost: i,
    latencyMs: 1,
    requestId: `req-${i}`,
    at: new Date(Date.UTC(2026, 10, 30, 12, 0, i)),
  })
  const requests = () =>
    t.owner.query<{ cost: string; request_id: string; created_at: Date; xmin: string }>(
      `select cost, request_id, created_at, xmin::text from ai.requests where user_id = $1 order by created_at`,
      [userId],
    )
  const hits = async () =>
    (await t.owner.query<{ hits: string }>(`select hits from ai.cache where key = $1`, [key]))[0]
      .hits
  return { hit, requests, hits }
}

describe('logHit', () => {
  it('writes the hits of one moment together, as one transaction, each with its own line and time', async () => {
    const { hit, requests, hits } = await cached()
    const db = createPgDb(t.url, 'lingudesk_ai', 2)
    await Promise.all(Array.from({ length: 5 }, (_, i) => logHit(db, hit(i))))
    await db.close()
    const rows = await requests()
    expect(rows.map((r) => [r.cost, r.request_id, r.created_at.getUTCSeconds()])).toEqual(
      Array.from({ length: 5 }, (_, i) => [String(i), `req-${i}`, i]),
    )
    expect(new Set(rows.map((r) => r.xmin)).size).toBe(1)
    expect(await hits()).toBe('5')
  })

  it('is not lost when the pool closes right after the answer: close waits for the write', async () => {
    const { hit, requests, hits } = await cached()
    const db = createPgDb(t.url, 'lingudesk_ai', 2)
    void logHit(db, hit(1))
    void logHit(db, hit(2))
    await db.close()
    expect(await requests()).toHaveLength(2)
    expect(await hits()).toBe('2')
  })

  it('a failed write rejects once per batch, naming the hits it lost; the next batch is written', async () => {
    const { hit, requests } = await cached()
    const db = createPgDb(t.url, 'lingudesk_ai', 2)
    const bad = { ...hit(1), latencyMs: 2 ** 40 } // no int: the statement fails
    const batch = [logHit(db, bad), logHit(db, hit(3)), logHit(db, hit(4))]
    await expect(batch[0]).rejects.toThrow(
      /^3 AI cache hits were not counted nor logged: .*out of range/,
    )
    await expect(Promise.all(batch.slice(1))).resolves.toEqual([undefined, undefined])
    await logHit(db, hit(2))
    await db.close()
    expect((await requests()).map((r) => r.request_id)).toEqual(['req-2'])
  })
})

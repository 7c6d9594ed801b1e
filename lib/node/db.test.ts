import { afterAll, beforeAll, expect, it } from 'vitest'
import { type TestDatabase, testDatabase } from '../../test/testing'
import { createPgDb } from './db'

let t: TestDatabase
beforeAll(async () => (t = await testDatabase({ empty: true })))
afterAll(() => t.close())

it('a request that waits past the pool connect timeout for a busy pool is 503 DATABASE_BUSY with Retry-After', async () => {
  const db = createPgDb(t.url, 'lingudesk_credit', 1)
  let done = () => {}
  const busy = db.transaction(() => new Promise<void>((r) => (done = r)))
  try {
    await expect(db.query('select 1')).rejects.toMatchObject({
      code: 'DATABASE_BUSY',
      status: 503,
      details: { retryAfter: 1 },
    })
  } finally {
    done()
    await busy
    await db.close()
  }
}, 20_000)

import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startPglite } from './embedded'

let pglite: Awaited<ReturnType<typeof startPglite>>
let clients: pg.Client[]

beforeAll(async () => {
  pglite = await startPglite()
  clients = Array.from({ length: 6 }, () => new pg.Client(pglite.url))
  await Promise.all(clients.map((c) => c.connect()))
  await clients[0].query('create table rows (n int)')
}, 60_000)
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()))
  await pglite.stop()
})

// Parameterised queries of different shapes: each one a Parse/Bind/Describe/Execute/Sync batch.
const shapes = [
  async (c: pg.Client, i: number) =>
    expect((await c.query('select $1::int + 1 as n', [i])).rows).toEqual([{ n: i + 1 }]),
  async (c: pg.Client, i: number) =>
    expect((await c.query(`select $1::text || '!' as s`, [`q${i}`])).rows).toEqual([
      { s: `q${i}!` },
    ]),
  async (c: pg.Client, i: number) =>
    expect((await c.query('select x from generate_series(1, $1::int) x', [i % 7])).rowCount).toBe(
      i % 7,
    ),
  async (c: pg.Client, i: number) =>
    expect((await c.query('select $2::text as b, $1::int as a', [i, 'b'])).rows).toEqual([
      { a: i, b: 'b' },
    ]),
]

it('keeps every connection’s parameterised queries whole while others query at once', async () => {
  await Promise.all(
    clients.map(async (c, k) => {
      for (let i = 0; i < 40; i++) await shapes[(i + k) % shapes.length](c, i)
    }),
  )
}, 60_000)

it('keeps a transaction to its connection: the others see none or all of its rows', async () => {
  const [tx, ...others] = clients
  const writer = (async () => {
    await tx.query('begin')
    for (let i = 0; i < 20; i++) await tx.query('insert into rows values ($1)', [i])
    await tx.query('commit')
  })()
  const seen = await Promise.all(
    others.map(async (c, k) => {
      const counts: number[] = []
      for (let i = 0; i < 10; i++) {
        await shapes[(i + k) % shapes.length](c, i)
        const { rows } = await c.query('select count(*)::int as n from rows where n >= $1', [0])
        counts.push(rows[0].n)
      }
      return counts
    }),
  )
  await writer
  expect(seen.flat().every((n) => n === 0 || n === 20)).toBe(true)
  expect((await others[0].query('select count(*)::int as n from rows')).rows).toEqual([{ n: 20 }])
}, 60_000)

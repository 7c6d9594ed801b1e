import { afterAll, describe, expect, it } from 'vitest'
import { newUserId } from '../ids'
import { ensurePartitions, loadMigrations } from '../node/migrations'
import { testDatabase, type TestDatabase } from '../../test/testing'
import { migrate } from './migrate'
import { asService } from './tx'

const open: TestDatabase[] = []
afterAll(() => Promise.all(open.map((t) => t.close())))
const database = async (empty = false) => open[open.push(await testDatabase({ empty })) - 1]

const month = (d: Date) => `${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`
const monthsFromNow = (n: number) => {
  const d = new Date()
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 15))
}
/** The partition a row of `table` matching `where` was stored in. */
const partitionOf = async (t: TestDatabase, table: string, where: string, params: unknown[]) =>
  (
    await t.owner.query<{ p: string }>(
      `select tableoid::regclass::text as p from ${table} where ${where}`,
      params,
    )
  )[0]?.p

describe('monthly partitions of audit.events and ai.requests', () => {
  it('exist from this month to twelve ahead, and store each row in its month', async () => {
    const t = await database()
    for (const [table, name] of [
      ['audit.events', 'audit.events'],
      ['ai.requests', 'ai.requests'],
    ]) {
      const parts = await t.owner.query<{ p: string }>(
        `select inhrelid::regclass::text as p from pg_inherits where inhparent = $1::regclass order by 1`,
        [table],
      )
      const expected = Array.from({ length: 13 }, (_, i) => `${name}_${month(monthsFromNow(i))}`)
      expect(parts.map((r) => r.p)).toEqual(
        expect.arrayContaining([...expected, `${name}_default`]),
      )
    }
    const id = newUserId()
    const at = monthsFromNow(2)
    await t.owner.query(
      `insert into audit.events (actor, action, subject_id, at) values ('auth', 'user.login', $1, $2)`,
      [id, at],
    )
    expect(await partitionOf(t, 'audit.events', 'subject_id = $1', [id])).toBe(
      `audit.events_${month(at)}`,
    )
    // Starting again in the same month makes nothing new; roles starting together make a missing month once.
    expect(
      (await t.owner.query<{ n: number }>('select public.ensure_partitions() as n'))[0].n,
    ).toBe(0)
    const ahead = Array.from({ length: 12 }, (_, i) => month(monthsFromNow(i + 1)))
    await t.owner.query(
      `drop table ${ahead.flatMap((m) => [`audit.events_${m}`, `ai.requests_${m}`]).join(', ')}`,
    )
    const together = await Promise.all(Array.from({ length: 4 }, () => ensurePartitions(t.url))) // the daily top-up
    expect(together.sort((a, b) => a - b)).toEqual([0, 0, 0, 24])
  })

  it('keeps grants, RLS and append-only rules: services reach the parent only, as before', async () => {
    const t = await database()
    const ai = t.as('lingudesk_ai')
    const user = newUserId()
    await asService(ai, (sql) =>
      sql(
        `insert into ai.requests (user_id, operation, plugin, model, cache_hit, cost, latency_ms, outcome) values ($1, 'translate', 'offline', 'offline', false, 0, 1, 'ok')`,
        [user],
      ),
    )
    expect(await asService(ai, (sql) => sql('select user_id from ai.requests'))).toEqual([
      { user_id: user },
    ])
    const part = `ai.requests_${month(new Date())}`
    await expect(asService(ai, (sql) => sql(`select * from ${part}`))).rejects.toThrow(
      /permission denied/,
    )
    await expect(asService(ai, (sql) => sql('delete from ai.requests'))).rejects.toThrow(
      /permission denied/,
    )
    await expect(asService(ai, (sql) => sql(`update ai.requests set cost = 1`))).rejects.toThrow(
      /permission denied/,
    )
    await expect(
      asService(t.as('lingudesk_auth'), (sql) =>
        sql(
          `insert into audit.events_${month(new Date())} (actor, action) values ('x', 'user.login')`,
        ),
      ),
    ).rejects.toThrow(/permission denied/)
    for (const change of [
      'update ai.requests set cost = 5',
      'delete from ai.requests',
      `truncate ${part}`,
      `truncate audit.events_${month(new Date())}`,
    ])
      await expect(t.owner.query(change)).rejects.toThrow(/append-only/)
    await expect(
      asService(t.as('lingudesk_backend'), (sql) => sql('select * from ai.requests')),
    ).rejects.toThrow(/permission denied/)
  })

  it('sends a row past the made months to the default partition, and later leaves that month there', async () => {
    const t = await database()
    const id = newUserId()
    const far = monthsFromNow(20)
    await t.owner.query(
      `insert into audit.events (actor, action, subject_id, at) values ('auth', 'user.login', $1, $2)`,
      [id, far],
    )
    expect(await partitionOf(t, 'audit.events', 'subject_id = $1', [id])).toBe(
      'audit.events_default',
    )
    const [{ made }] = await t.owner.query<{ made: number }>(
      `select public.create_month_partitions('audit.events', now()::date, (now() + interval '24 months')::date) as made`,
    )
    expect(made).toBe(11) // months 13 to 24, but the one the default partition already holds
    expect(await partitionOf(t, 'audit.events', 'subject_id = $1', [id])).toBe(
      'audit.events_default',
    )
  })

  it('moves the rows of the unpartitioned tables into their months when the migration runs', async () => {
    const t = await database(true)
    const all = await loadMigrations()
    const before = all.filter((m) => m.name < '0008')
    await migrate(t.owner, before)
    const id = newUserId()
    await t.owner.query(
      `insert into audit.events (actor, action, subject_id, at) values ('auth', 'user.login', $1, '2025-01-15'), ('auth', 'user.logout', $1, now())`,
      [id],
    )
    await t.owner.query(
      `insert into ai.requests (user_id, operation, plugin, model, cache_hit, cost, latency_ms, outcome, created_at) values ($1, 'translate', 'offline', 'offline', true, 7, 1, 'ok', '2025-03-02')`,
      [id],
    )
    expect(await migrate(t.owner, all)).toEqual(
      all.filter((m) => m.name >= '0008').map((m) => m.name),
    )
    const events = await t.owner.query<{ p: string }>(
      `select tableoid::regclass::text as p from audit.events where subject_id = $1 order by at`,
      [id],
    )
    expect(events.map((e) => e.p)).toEqual([
      'audit.events_2025_01',
      `audit.events_${month(new Date())}`,
    ])
    expect(await partitionOf(t, 'ai.requests', 'user_id = $1 and cost = 7', [id])).toBe(
      'ai.requests_2025_03',
    )
  })
})

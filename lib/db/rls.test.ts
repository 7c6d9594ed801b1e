import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newUserId } from '../ids'
import { testDatabase, type TestDatabase } from '../../test/testing'
import type { Db } from './db'
import { asService, asUser } from './tx'

let t: TestDatabase
let backend: Db
const a = newUserId()
const b = newUserId()

beforeAll(async () => {
  t = await testDatabase()
  backend = t.as('lingudesk_backend')
  await t.owner.query(
    `insert into public.users (id, email, name) values ($1, $2, 'A'), ($3, $4, 'B')`,
    [a, `${a}@example.com`, b, `${b}@example.com`],
  )
})
afterAll(() => t.close())

const addDeck = (userId: string, name: string) =>
  asUser(backend, userId, async (sql) => {
    const [row] = await sql<{ id: string }>(
      `insert into content.decks (name, source_lang, target_lang) values ($1, 'en', 'de') returning id`,
      [name],
    )
    return row.id
  })

describe('row-level security on content', () => {
  it('shows each user only their own rows, and nothing without a user', async () => {
    const deckA = await addDeck(a, 'A words')
    await addDeck(b, 'B words')
    const seenByA = await asUser(backend, a, (sql) =>
      sql<{ id: string; user_id: string }>('select * from content.decks'),
    )
    expect(seenByA.map((d) => d.user_id)).toEqual([a])
    expect(seenByA.map((d) => d.id)).toContain(deckA)
    expect(await asService(backend, (sql) => sql('select * from content.decks'))).toEqual([])
  })

  it('lets no user update or delete another user’s rows', async () => {
    const deckB = await addDeck(b, 'B only')
    const updated = await asUser(backend, a, (sql) =>
      sql(`update content.decks set name = 'stolen' where id = $1 returning id`, [deckB]),
    )
    const deleted = await asUser(backend, a, (sql) =>
      sql(`delete from content.decks where id = $1 returning id`, [deckB]),
    )
    expect([updated, deleted]).toEqual([[], []])
    const [row] = await t.owner.query<{ name: string }>(
      'select name from content.decks where id = $1',
      [deckB],
    )
    expect(row.name).toBe('B only')
  })

  it('refuses a row written for another user', async () => {
    const write = asUser(backend, a, (sql) =>
      sql(
        `insert into content.decks (user_id, name, source_lang, target_lang) values ($1, 'x', 'en', 'de')`,
        [b],
      ),
    )
    await expect(write).rejects.toThrow(/row-level security/)
  })

  it('keeps the user setting inside its transaction', async () => {
    await asUser(backend, a, async () => {})
    const [row] = await backend.query<{ v: string | null }>(`select public.current_user_id() as v`)
    expect(row.v).toBeNull()
  })
})

describe('links across users', () => {
  const addNote = (userId: string, deckId: string) =>
    asUser(backend, userId, async (sql) => {
      const [row] = await sql<{ id: string }>(
        `insert into content.notes (deck_id, type, fields) values ($1, 'basic', '{"front": "Hund", "back": ""}') returning id`,
        [deckId],
      )
      return row.id
    })
  const addCard = async (userId: string, deckId: string) => {
    const noteId = await addNote(userId, deckId)
    return asUser(backend, userId, async (sql) => {
      const [row] = await sql<{ id: string }>(
        `insert into content.cards (deck_id, note_id, front, fsrs, due) values ($1, $2, 'Hund', '{}', now()) returning id`,
        [deckId, noteId],
      )
      return row.id
    })
  }
  const addReview = (userId: string, cardId: string, deckId: string) =>
    asUser(backend, userId, (sql) =>
      sql(
        `insert into content.reviews (card_id, deck_id, grade, duration_ms, was_new, state_before, state_after, version_before, reviewed_at)
         values ($1, $2, 3, 900, true, '{}', '{}', 0, now())`,
        [cardId, deckId],
      ),
    )

  it('are refused by the database even for the backend acting as a user (foreign keys ignore RLS)', async () => {
    const deckA = await addDeck(a, 'A deck')
    const deckB = await addDeck(b, 'B deck')
    const cardB = await addCard(b, deckB)
    await expect(addNote(a, deckB)).rejects.toThrow(/notes_deck_user_fkey/)
    await expect(addReview(a, cardB, deckA)).rejects.toThrow(/reviews_card_user_fkey/)
    const cardA = await addCard(a, deckA)
    await expect(addReview(a, cardA, deckB)).rejects.toThrow(/reviews_deck_user_fkey/)
    await addReview(a, cardA, deckA) // the own links still work
  })

  it('keep notes to their user: unseen by others, and no card of one user on another’s note', async () => {
    const deckA = await addDeck(a, 'A notes')
    const noteB = await addNote(b, await addDeck(b, 'B notes'))
    const seen = await asUser(backend, a, (sql) =>
      sql('select id from content.notes where id = $1', [noteB]),
    )
    const changed = await asUser(backend, a, (sql) =>
      sql(`update content.notes set fields = '{}' where id = $1 returning id`, [noteB]),
    )
    expect([seen, changed]).toEqual([[], []])
    const onTheirs = asUser(backend, a, (sql) =>
      sql(
        `insert into content.cards (deck_id, note_id, ord, front, fsrs, due) values ($1, $2, 1, 'x', '{}', now())`,
        [deckA, noteB],
      ),
    )
    await expect(onTheirs).rejects.toThrow(/cards_note_user_fkey/)
  })

  it('keep deck option presets to their owner: hidden from others, and no deck can use another’s', async () => {
    const presetOf = (userId: string) =>
      asUser(backend, userId, async (sql) => {
        const [row] = await sql<{ id: string }>(
          `insert into content.deck_presets (name) values ('Daily') returning id`,
        )
        return row.id
      })
    const presetB = await presetOf(b)
    const deckA = await addDeck(a, 'A with options')
    expect(await asUser(backend, a, (sql) => sql('select * from content.deck_presets'))).toEqual([])
    await expect(
      asUser(backend, a, (sql) =>
        sql('update content.decks set preset_id = $2 where id = $1', [deckA, presetB]),
      ),
    ).rejects.toThrow(/decks_preset_user_fkey/)
    const presetA = await presetOf(a)
    await asUser(backend, a, (sql) =>
      sql('update content.decks set preset_id = $2 where id = $1', [deckA, presetA]),
    )
  })

  it('keep charges to the user’s own holds and refunds to the user’s own transactions', async () => {
    const credit = t.as('lingudesk_credit')
    const [hold] = await asService(credit, (sql) =>
      sql<{ id: string }>(
        `insert into credit.holds (user_id, amount, idempotency_key, expires_at) values ($1, 10, $2, now() + interval '1 minute') returning id`,
        [b, `h-${b}`],
      ),
    )
    const charge = asService(credit, (sql) =>
      sql(
        `insert into credit.charges (idempotency_key, user_id, amount, hold_id) values ($1, $2, 10, $3)`,
        [`c-${a}`, a, hold.id],
      ),
    )
    await expect(charge).rejects.toThrow(/charges_hold_user_fkey/)
    const [grant] = await asService(credit, (sql) =>
      sql<{ id: string }>(
        `insert into credit.transactions (user_id, kind, amount, balance_after, idempotency_key, actor) values ($1, 'grant', 100, 100, $2, 'credit') returning id`,
        [b, `g-${b}`],
      ),
    )
    const refund = asService(credit, (sql) =>
      sql(
        `insert into credit.transactions (user_id, kind, amount, balance_after, idempotency_key, actor, refund_of) values ($1, 'refund', 50, 50, $2, 'credit', $3)`,
        [a, `r-${a}`, grant.id],
      ),
    )
    await expect(refund).rejects.toThrow(/transactions_refund_user_fkey/)
  })
  it('name every parent owned by a user together with the user, in every table', async () => {
    // Foreign keys ignore RLS: a child that names an owned parent by id alone can be linked across users.
    const loose = await t.owner.query<{ name: string }>(
      `select c.conname as name
         from pg_constraint c
         join pg_attribute pu on pu.attrelid = c.confrelid and pu.attname = 'user_id'
         join pg_attribute cu on cu.attrelid = c.conrelid and cu.attname = 'user_id'
        where c.contype = 'f' and c.confrelid <> 'public.users'::regclass
          and not (cu.attnum = any (c.conkey) and pu.attnum = any (c.confkey))
        order by 1`,
    )
    expect(loose.map((r) => r.name)).toEqual([])
  })
})

describe('database roles', () => {
  it('are neither owners, superusers nor BYPASSRLS', async () => {
    const roles = await t.owner.query<{
      rolname: string
      rolsuper: boolean
      rolbypassrls: boolean
      rolcanlogin: boolean
    }>(
      `select rolname, rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname like 'lingudesk%' order by 1`,
    )
    // Roles are cluster-wide: another database on the same server may have made more lingudesk_* roles,
    // so ours must be there, and every one of them must be harmless.
    const ours = [
      'lingudesk_ai',
      'lingudesk_app',
      'lingudesk_auth',
      'lingudesk_backend',
      'lingudesk_credit',
      'lingudesk_eraser',
    ]
    expect(roles.map((r) => r.rolname)).toEqual(expect.arrayContaining(ours))
    const nologin = roles
      .filter((r) => ours.includes(r.rolname) && !r.rolcanlogin)
      .map((r) => r.rolname)
    expect(nologin).toEqual(['lingudesk_app', 'lingudesk_eraser'])
    expect(roles.filter((r) => r.rolsuper || r.rolbypassrls)).toEqual([])
    const owned = await t.owner.query(
      `select tablename from pg_tables where tableowner like 'lingudesk%'
       union all select nspname from pg_namespace where pg_get_userbyid(nspowner) like 'lingudesk%'`,
    )
    expect(owned).toEqual([])
  })

  it('keep each service to its own schemas', async () => {
    await t.owner.query(
      `create table credit.probe (id int primary key); insert into credit.probe values (1)`,
    )
    const read = (db: Db) => asService(db, (sql) => sql('select id from credit.probe'))
    await expect(read(t.as('lingudesk_auth'))).rejects.toThrow(
      /permission denied for schema credit/,
    )
    await expect(read(t.as('lingudesk_backend'))).rejects.toThrow(/permission denied/)
    expect(await read(t.as('lingudesk_credit'))).toEqual([{ id: 1 }])
    await expect(asService(backend, (sql) => sql('select * from public.users'))).rejects.toThrow(
      /permission denied/,
    )
  })
})

describe('audit.events', () => {
  it('takes inserts from services and refuses updates and deletes from everyone', async () => {
    const auth = t.as('lingudesk_auth')
    await asService(auth, (sql) =>
      sql(
        `insert into audit.events (actor, action, subject_id) values ('auth', 'user.login', $1)`,
        [a],
      ),
    )
    await expect(asService(auth, (sql) => sql('select * from audit.events'))).rejects.toThrow(
      /permission denied/,
    )
    await expect(asService(auth, (sql) => sql('delete from audit.events'))).rejects.toThrow(
      /permission denied/,
    )
    for (const change of [
      `update audit.events set action = 'user.logout'`,
      'delete from audit.events',
      'truncate audit.events',
    ])
      await expect(t.owner.query(change)).rejects.toThrow(/append-only/)
    // Erasure may rewrite who an event is about, and nothing else.
    const erasing = (change: string) =>
      t.owner.query(`do $$ begin perform set_config('app.erasing', 'on', true); ${change}; end $$`)
    await expect(erasing(`update audit.events set action = 'user.logout'`)).rejects.toThrow(
      /append-only/,
    )
    await expect(erasing(`delete from audit.events`)).rejects.toThrow(/append-only/)
    await erasing(`update audit.events set subject_id = 'PSEUDONYM0'`)
    const [{ n }] = await t.owner.query<{ n: string }>('select count(*) as n from audit.events')
    expect(Number(n)).toBe(1)
  })
})

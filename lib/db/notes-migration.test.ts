import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newUserId } from '../ids'
import { loadMigrations } from '../node/migrations'
import { testDatabase, type TestDatabase } from '../../test/testing'
import { migrate } from './migrate'

// Migrations 0017 (expand) and 0023 (contract) on a database that already holds cards and reviews: every card
// becomes a Basic note, and after 0023 no card is without one.
let t: TestDatabase
beforeAll(async () => {
  t = await testDatabase({ empty: true })
})
afterAll(() => t.close())

describe('migrations 0017 and 0023 (notes)', () => {
  it('turn every existing card into a Basic note, keeping its schedule, reviews and dates', async () => {
    const all = await loadMigrations()
    await migrate(
      t.owner,
      all.filter((m) => m.name < '0017'),
    )
    const user = newUserId()
    await t.owner.query(`insert into public.users (id, email, name) values ($1, $2, 'Old')`, [
      user,
      `${user}@example.com`,
    ])
    const [deck] = await t.owner.query<{ id: string }>(
      `insert into content.decks (user_id, name, source_lang, target_lang) values ($1, 'Old deck', 'de', 'en') returning id`,
      [user],
    )
    const cards = await t.owner.query<{ id: string }>(
      `insert into content.cards (user_id, deck_id, front, back, fsrs, due, state, version, updated_at)
       values ($1, $2, 'Hund', 'dog', '{"stability": 3}', '2026-01-05', 2, 1, '2025-12-01'),
              ($1, $2, 'Katze', '', '{}', '2026-01-01', 0, 0, '2025-12-02') returning id`,
      [user, deck.id],
    )
    await t.owner.query(
      `insert into content.reviews (user_id, card_id, deck_id, grade, duration_ms, was_new, state_before, state_after, version_before, reviewed_at)
       values ($1, $2, $3, 3, 900, true, '{}', '{"stability": 3}', 0, '2025-12-01')`,
      [user, cards[0].id, deck.id],
    )
    const before = await t.owner.query(`select * from content.cards order by front`)

    expect(
      await migrate(
        t.owner,
        all.filter((m) => m.name < '0023'),
      ),
    ).toContain('0017_notes.sql')
    const notes = await t.owner.query(
      `select n.id, n.user_id, n.deck_id, n.type, n.fields, c.note_id, c.ord, c.empty from content.notes n
       join content.cards c on c.note_id = n.id order by c.front`,
    )
    expect(notes).toEqual([
      {
        id: before[0].id,
        user_id: user,
        deck_id: deck.id,
        type: 'basic',
        fields: { front: 'Hund', back: 'dog' },
        note_id: before[0].id,
        ord: 0,
        empty: false,
      },
      {
        id: before[1].id,
        user_id: user,
        deck_id: deck.id,
        type: 'basic',
        fields: { front: 'Katze', back: '' },
        note_id: before[1].id,
        ord: 0,
        empty: false,
      },
    ])
    const after = await t.owner.query(
      `select id, fsrs, due, state, version, created_at, updated_at from content.cards order by front`,
    )
    expect(after).toEqual(
      before.map(({ id, fsrs, due, state, version, created_at, updated_at }) => ({
        ...{ id, fsrs, due, state, version, created_at, updated_at },
      })),
    )
    expect(await t.owner.query(`select card_id, grade, state_after from content.reviews`)).toEqual([
      { card_id: cards[0].id, grade: 3, state_after: { stability: 3 } },
    ])
    const [{ bury }] = await t.owner.query<{ bury: boolean }>(
      `select bury_siblings as bury from content.decks`,
    )
    expect(bury).toBe(true)

    // Between the two steps a previous release still writes cards without a note: the trigger gives one. A card
    // written with triggers off has none until 0023 gives it one.
    await t.owner.query(
      `insert into content.cards (user_id, deck_id, front, back, fsrs, due) values ($1, $2, 'Maus', 'mouse', '{}', now())`,
      [user, deck.id],
    )
    await t.owner.transaction(async (sql) => {
      await sql(`set local session_replication_role = replica`) // no triggers, as a raw restore might
      await sql(
        `insert into content.cards (user_id, deck_id, front, back, fsrs, due, updated_at) values ($1, $2, 'Vogel', 'bird', '{}', now(), '2025-12-03')`,
        [user, deck.id],
      )
    })
    const middle = await t.owner.query(`select * from content.cards order by front`)
    expect(middle.map((c) => [c.front, c.note_id === c.id])).toEqual([
      ['Hund', true],
      ['Katze', true],
      ['Maus', true],
      ['Vogel', false],
    ])

    expect(await migrate(t.owner, all)).toContain('0023_notes_contract.sql')
    const contracted = await t.owner.query(
      `select c.*, n.type, n.fields from content.cards c join content.notes n on n.id = c.note_id order by c.front`,
    )
    expect(contracted).toEqual(
      middle.map((c) => ({
        ...c,
        note_id: c.id,
        type: 'basic',
        fields: { front: c.front, back: c.back },
      })),
    )
    expect(await t.owner.query(`select card_id, grade, state_after from content.reviews`)).toEqual([
      { card_id: cards[0].id, grade: 3, state_after: { stability: 3 } },
    ])
    const noNote = t.owner.query(
      `insert into content.cards (user_id, deck_id, front, fsrs, due) values ($1, $2, 'Fisch', '{}', now())`,
      [user, deck.id],
    )
    await expect(noNote).rejects.toMatchObject({ code: '23502', column: 'note_id' })
  })
})

import type { Sql } from '../db/db'
import { type QueueRow, withIntervals } from './study'
import { WEIGHTS_IN_USE } from './fsrs-weights'
import { STUDYABLE, TZ } from './today'

/**
 * Custom study, beyond today's limits: reviews due within `aheadDays` (review ahead), or every card with `tag`
 * (study by tag; new and not yet due ones too), of one deck or all. Due first, then new, then the rest by due.
 */
export async function customQueue(
  sql: Sql,
  o: { deckId?: string; now: Date; limit: number; aheadDays?: number; tag?: string },
) {
  const where = `from content.cards c join content.decks d on d.id = c.deck_id join content.notes n on n.id = c.note_id
    where ($2::uuid is null or c.deck_id = $2) and ${STUDYABLE}
      and ($3::int is null or (c.state <> 0 and c.due <= $1::timestamptz + $3 * interval '1 day'))
      and ($4::text is null or $4 = any(c.tags))`
  const params = [o.now, o.deckId ?? null, o.aheadDays ?? null, o.tag ?? null]
  const rows = await sql<QueueRow>(
    `select c.*, d.desired_retention, d.maximum_interval, ${WEIGHTS_IN_USE}, d.autoplay, n.type as note_type, n.fields as note_fields
     ${where}
     order by (c.state = 0 or c.due > $1), (c.state <> 0), c.due, c.created_at, c.id limit $5`,
    [...params, o.limit],
  )
  const [{ total }] = await sql<{ total: string }>(`select count(*) as total ${where}`, params)
  return { cards: withIntervals(rows, o.now), total: Number(total) }
}

/** Raises today's new and review limits of a deck (custom study); what was added earlier today adds up. */
export async function extendToday(
  sql: Sql,
  deckId: string,
  o: { newCards: number; reviews: number; now: Date },
) {
  const rows = await sql(
    `with ${TZ},
     today as (select ($4::timestamptz at time zone tz.name)::date as date from tz)
     update content.decks d set
       extra_new = least(case when d.extra_on = today.date then d.extra_new else 0 end + $2, 9999),
       extra_reviews = least(case when d.extra_on = today.date then d.extra_reviews else 0 end + $3, 99999),
       extra_on = today.date
     from today where d.id = $1 returning d.id`,
    [deckId, o.newCards, o.reviews, o.now],
  )
  return rows.length > 0
}

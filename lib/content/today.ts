/** The learner's time zone (UTC until set), as a CTE named `tz` with one column `name`. */
export const TZ = `tz as (select coalesce((select timezone from content.settings), 'UTC') as name)`

/** The start of the learner's next day after `$now` (a SQL expression over the `tz` CTE): when a burial ends. */
export const nextDayStart = (now: string) =>
  `with ${TZ} select (date_trunc('day', ${now}::timestamptz at time zone tz.name) + interval '1 day') at time zone tz.name as start from tz`

/**
 * Whether card `c` may be studied at `$1`: not suspended, not buried, not empty (its note no longer makes it),
 * and not waiting for the next day because a sibling (another card of its note) was studied today. The queue's
 * indexes leave suspended cards out.
 */
export const STUDYABLE = `not c.suspended and (c.buried_until is null or c.buried_until <= $1) and not c.empty
  and (c.sibling_buried_until is null or c.sibling_buried_until <= $1)`

/**
 * What is left of today's allowances, per deck (`lim`), and what that lets the learner study now (`counts`): today starts at midnight in the learner's time zone (UTC until
 * set), and reviews graded since then, not undone, count against the deck's daily new and review limits
 * (raised by today's custom study, `extra_*` on `extra_on`). Suspended and buried cards are not counted.
 * The one computation behind the deck counts (Home, deck page) and the study queue, so they always agree.
 * Each count reads no further than the deck's limit allows, in its index's order, so it costs the same in a deck
 * of any size.
 * `$1` is now; `deckParam` names the parameter holding one deck id, or null for every deck.
 */
// Where the deck buries siblings, the cards of one note count once: the queue shows one of them.
const ONE_PER_NOTE = `case when lim.bury_siblings then x.note_id else x.id end`

export const todayLimits = (deckParam: string) => `
  ${TZ},
  day as (select (date_trunc('day', $1::timestamptz at time zone tz.name) at time zone tz.name) as start,
                 ($1::timestamptz at time zone tz.name)::date as date from tz),
  done as (select deck_id, count(*) filter (where was_new) as new_done, count(*) filter (where not was_new) as rev_done
           from content.reviews, day where reviewed_at >= day.start and undone_at is null group by deck_id),
  lim as (select d.id, d.desired_retention, d.maximum_interval, d.autoplay, d.bury_siblings,
                 greatest(d.new_per_day + case when d.extra_on = day.date then d.extra_new else 0 end - coalesce(x.new_done, 0), 0) as new_left,
                 greatest(d.reviews_per_day + case when d.extra_on = day.date then d.extra_reviews else 0 end - coalesce(x.rev_done, 0), 0) as rev_left
          from content.decks d cross join day left join done x on x.deck_id = d.id where ${deckParam}::uuid is null or d.id = ${deckParam}),
  counts as (select lim.*, n.n as new_count, r.n as due_count
             from lim
             cross join lateral (select count(distinct ${ONE_PER_NOTE}) as n from (select c.id, c.note_id from content.cards c where c.deck_id = lim.id
                                   and c.state = 0 and ${STUDYABLE} order by c.created_at, c.id limit lim.new_left) x) n
             cross join lateral (select count(distinct ${ONE_PER_NOTE}) as n from (select c.id, c.note_id from content.cards c where c.deck_id = lim.id
                                   and c.state <> 0 and c.due <= $1 and ${STUDYABLE} order by c.due, c.id limit lim.rev_left) x) r)`

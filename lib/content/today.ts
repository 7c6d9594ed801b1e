// Today's study rule lives in SQL functions (migration 0031), so the queue (content.due_queue), the deck counts
// (content.today_counts) and the queries below share it and the queue's plans are cached per session.

/** The learner's time zone (UTC until set), as a CTE named `tz` with one column `name`. */
export const TZ = `tz as (select content.learner_tz() as name)`

/** The start of the learner's next day after `$now` (a SQL expression over the `tz` CTE): when a burial ends. */
export const nextDayStart = (now: string) =>
  `with ${TZ} select (date_trunc('day', ${now}::timestamptz at time zone tz.name) + interval '1 day') at time zone tz.name as start from tz`

/**
 * Whether card `c` may be studied at `$1`: not suspended, not buried, not empty (its note no longer makes it),
 * and not waiting for the next day because a sibling (another card of its note) was studied today.
 */
export const STUDYABLE = `content.studyable(c.suspended, c.empty, c.buried_until, c.sibling_buried_until, $1)`

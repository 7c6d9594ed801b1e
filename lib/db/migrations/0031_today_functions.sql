-- Today's study rule as functions (issue 18, performance): what a card needs to be studied, the learner's day,
-- what is left of each deck's daily limits and what that lets the learner study now, and the due queue built
-- on them. They are the one source of the rule (lib/content/today.ts names them for the queries that use it).
-- The plpgsql ones cache their plans per session, also through pgBouncer in transaction mode, where named
-- prepared statements do not work: planning the queue's statement cost more than running it. SECURITY INVOKER:
-- they run with the caller's grants and row-level policies. The set-returning ones state their row counts
-- (rows 20, 50): at the default 1000 the queue's plan was priced past jit_above_cost, and JIT took 50 ms a call.

-- Whether a card may be studied at p_at: not suspended, not buried, not empty (its note no longer makes it), and
-- not waiting for the next day because a sibling was studied today. Plain SQL, so the planner inlines it and
-- the queue's partial indexes (0022) still answer it alone.
create function content.studyable(
  p_suspended boolean, p_empty boolean, p_buried_until timestamptz, p_sibling_buried_until timestamptz,
  p_at timestamptz
) returns boolean language sql immutable parallel safe
  return not p_suspended and (p_buried_until is null or p_buried_until <= p_at) and not p_empty
    and (p_sibling_buried_until is null or p_sibling_buried_until <= p_at);

-- The learner's time zone (UTC until set). plpgsql, as a SQL function with a subquery would be planned anew
-- at every call.
create function content.learner_tz() returns text language plpgsql stable security invoker
  set search_path = pg_catalog, content as $$
begin
  return coalesce((select timezone from content.settings), 'UTC');
end $$;

-- What is left of today's allowances per deck (all decks, or p_deck), and what that lets the learner study at
-- p_now: today starts at midnight in the learner's time zone, and reviews graded since then, not undone, count
-- against the deck's daily new and review limits (raised by today's custom study, extra_* on extra_on).
-- Suspended and buried cards are not counted; where the deck buries siblings, the cards of one note count once
-- (the queue shows one of them). Each count reads no further than the deck's limit allows, in its index's
-- order, so it costs the same in a deck of any size.
create function content.today_counts(p_now timestamptz, p_deck uuid)
returns table (
  id uuid, desired_retention numeric, maximum_interval integer, autoplay boolean, bury_siblings boolean,
  new_left bigint, rev_left bigint, new_count bigint, due_count bigint
) language plpgsql stable security invoker rows 20 set search_path = pg_catalog, content, public
  as $$
#variable_conflict use_column
begin
  return query
  with tz as materialized (select content.learner_tz() as name),
  day as (select (date_trunc('day', p_now at time zone tz.name) at time zone tz.name) as start,
                 (p_now at time zone tz.name)::date as date from tz),
  done as (select r.deck_id, count(*) filter (where r.was_new) as new_done, count(*) filter (where not r.was_new) as rev_done
           from content.reviews r, day where r.reviewed_at >= day.start and r.undone_at is null group by r.deck_id),
  lim as (select d.id, d.desired_retention, d.maximum_interval, d.autoplay, d.bury_siblings,
                 greatest(d.new_per_day + case when d.extra_on = day.date then d.extra_new else 0 end - coalesce(x.new_done, 0), 0) as new_left,
                 greatest(d.reviews_per_day + case when d.extra_on = day.date then d.extra_reviews else 0 end - coalesce(x.rev_done, 0), 0) as rev_left
          from content.decks d cross join day left join done x on x.deck_id = d.id where p_deck is null or d.id = p_deck)
  select lim.*, n.n, r.n
  from lim
  cross join lateral (select count(distinct case when lim.bury_siblings then x.note_id else x.id end) as n from (
      select c.id, c.note_id from content.cards c where c.deck_id = lim.id and c.state = 0
        and content.studyable(c.suspended, c.empty, c.buried_until, c.sibling_buried_until, p_now)
      order by c.created_at, c.id limit lim.new_left) x) n
  cross join lateral (select count(distinct case when lim.bury_siblings then x.note_id else x.id end) as n from (
      select c.id, c.note_id from content.cards c where c.deck_id = lim.id and c.state <> 0 and c.due <= p_now
        and content.studyable(c.suspended, c.empty, c.buried_until, c.sibling_buried_until, p_now)
      order by c.due, c.id limit lim.rev_left) x) r;
end $$;

-- The due queue at p_now (all decks, or p_deck): due reviews, then new cards, per deck within what is left of
-- today, at most p_limit, with their deck's options and their note; `total` is what the decks' counts add up
-- to. Each deck's cards are picked from its (deck, due) and (deck, created) indexes alone, and only the chosen
-- are read whole. Where the deck buries siblings, one card per note comes (the first in queue order).
create function content.due_queue(p_now timestamptz, p_deck uuid, p_limit integer)
returns table (
  card content.cards, desired_retention numeric, maximum_interval integer, autoplay boolean,
  note_type text, note_fields jsonb, total numeric
) language plpgsql stable security invoker rows 50 set search_path = pg_catalog, content, public
  as $$
#variable_conflict use_column
begin
  return query
  with lim as materialized (select * from content.today_counts(p_now, p_deck)),
  picked as (
    select distinct on (case when q.bury_siblings then q.note_id else q.id end) q.* from (
      select c.*, false as new, lim.bury_siblings from lim cross join lateral (
        select c.id, c.note_id, c.deck_id, c.due, c.created_at from content.cards c
        where c.deck_id = lim.id and c.state <> 0 and c.due <= p_now
          and content.studyable(c.suspended, c.empty, c.buried_until, c.sibling_buried_until, p_now)
        order by c.due, c.id limit least(lim.rev_left, p_limit)) c
      union all
      select c.*, true as new, lim.bury_siblings from lim cross join lateral (
        select c.id, c.note_id, c.deck_id, c.due, c.created_at from content.cards c
        where c.deck_id = lim.id and c.state = 0
          and content.studyable(c.suspended, c.empty, c.buried_until, c.sibling_buried_until, p_now)
        order by c.created_at, c.id limit least(lim.new_left, p_limit)) c
    ) q order by case when q.bury_siblings then q.note_id else q.id end, q.new, q.due, q.created_at, q.id),
  chosen as (select * from picked order by new, due, created_at, id limit p_limit)
  select c, lim.desired_retention, lim.maximum_interval, lim.autoplay, n.type, n.fields,
    (select sum(due_count + new_count) from lim)
  from chosen q join content.cards c on c.id = q.id join lim on lim.id = q.deck_id join content.notes n on n.id = q.note_id
  order by q.new, q.due, q.created_at, q.id;
end $$;

revoke all on function content.studyable(boolean, boolean, timestamptz, timestamptz, timestamptz),
  content.learner_tz(), content.today_counts(timestamptz, uuid), content.due_queue(timestamptz, uuid, integer)
  from public;
grant execute on function content.studyable(boolean, boolean, timestamptz, timestamptz, timestamptz),
  content.learner_tz(), content.today_counts(timestamptz, uuid), content.due_queue(timestamptz, uuid, integer)
  to lingudesk_backend;

-- Automatic FSRS refits (issue 19): every backend instance refits learners who are due, so each learner has a
-- row counting their reviews (kept by triggers, so finding who is due never counts the reviews table) that a
-- job claims with FOR UPDATE SKIP LOCKED. Content is under forced RLS per learner, so a NOLOGIN role owns the
-- functions that read across learners, as lingudesk_stats does for the statistics (0012).
do $$
begin
  if not exists (select from pg_roles where rolname = 'lingudesk_fsrs') then
    begin
      create role lingudesk_fsrs nologin nosuperuser nobypassrls nocreatedb nocreaterole;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
end $$;

create table content.fsrs_refits (
  user_id text primary key default public.current_user_id() references public.users (id) on delete cascade,
  reviews int not null default 0 check (reviews >= 0), -- reviews not undone
  next_at timestamptz not null default '-infinity' -- a claimed learner is leased until then
);
alter table content.fsrs_refits enable row level security;
alter table content.fsrs_refits force row level security;
create policy fsrs_refits_owner on content.fsrs_refits to lingudesk_app
  using (user_id = public.current_user_id()) with check (user_id = public.current_user_id());
grant usage on schema content to lingudesk_fsrs;
grant select, insert, update on content.fsrs_refits to lingudesk_fsrs;
create policy fsrs_refits_job on content.fsrs_refits to lingudesk_fsrs using (true) with check (true);
grant select (user_id, reviews, fitted_at) on content.fsrs_weights to lingudesk_fsrs;
create policy fsrs_weights_job on content.fsrs_weights for select to lingudesk_fsrs using (true);

insert into content.fsrs_refits (user_id, reviews)
  select user_id, count(*) from content.reviews where undone_at is null group by user_id;

-- Per statement, so a bulk insert (an Anki import) updates each learner's count once. A delete only lowers a
-- count: inserting a row there would fail while the user is being deleted.
create function content.fsrs_refits_count() returns trigger
  language plpgsql security definer set search_path = pg_catalog, content
  as $$
  begin
    if tg_op = 'INSERT' then
      insert into content.fsrs_refits (user_id, reviews)
        select user_id, count(*) from new_rows where undone_at is null group by user_id
        on conflict (user_id) do update set reviews = fsrs_refits.reviews + excluded.reviews;
    elsif tg_op = 'DELETE' then
      update content.fsrs_refits r set reviews = greatest(0, r.reviews - d.n)
        from (select user_id, count(*) n from old_rows where undone_at is null group by user_id) d
       where r.user_id = d.user_id;
    else -- undo (undone_at set) or its reverse
      update content.fsrs_refits set reviews = greatest(0, reviews
          + (new.undone_at is null)::int - (old.undone_at is null)::int)
       where user_id = new.user_id;
    end if;
    return null;
  end
  $$;
alter function content.fsrs_refits_count() owner to lingudesk_fsrs;
revoke all on function content.fsrs_refits_count() from public;
create trigger reviews_count_inserted after insert on content.reviews
  referencing new table as new_rows for each statement execute function content.fsrs_refits_count();
create trigger reviews_count_deleted after delete on content.reviews
  referencing old table as old_rows for each statement execute function content.fsrs_refits_count();
create trigger reviews_count_undone after update of undone_at on content.reviews
  for each row when (old.undone_at is distinct from new.undone_at) execute function content.fsrs_refits_count();

-- Leases up to p_limit learners due a fit (enough reviews, and no fit yet, or one older than p_every, or
-- p_more reviews since), skipping those another instance holds; each is leased for p_lease.
create function content.claim_fsrs_refits(
  p_now timestamptz, p_limit int, p_min int, p_more int, p_every interval, p_lease interval
) returns setof text
  language sql volatile security definer set search_path = pg_catalog, content
  as $$
    with due as (
      select r.user_id from content.fsrs_refits r left join content.fsrs_weights w using (user_id)
       where r.reviews >= p_min and r.next_at <= p_now
         and (w.user_id is null or w.fitted_at <= p_now - p_every or r.reviews - w.reviews >= p_more)
       order by r.next_at limit p_limit for update of r skip locked
    )
    update content.fsrs_refits r set next_at = p_now + p_lease from due where r.user_id = due.user_id
    returning r.user_id
  $$;
alter function content.claim_fsrs_refits(timestamptz, int, int, int, interval, interval) owner to lingudesk_fsrs;
revoke all on function content.claim_fsrs_refits(timestamptz, int, int, int, interval, interval) from public;
grant execute on function content.claim_fsrs_refits(timestamptz, int, int, int, interval, interval) to lingudesk_backend;
create index fsrs_refits_next on content.fsrs_refits (next_at);

-- How many learners have fitted weights, and how many schedule with them (the admin statistics).
grant select (in_use) on content.fsrs_weights to lingudesk_stats;
create policy fsrs_weights_stats_read on content.fsrs_weights for select to lingudesk_stats using (true);
create function content.fsrs_optimised() returns table (fitted bigint, in_use bigint)
  language sql stable security definer set search_path = pg_catalog, content
  as $$ select count(*), count(*) filter (where in_use) from content.fsrs_weights $$;
alter function content.fsrs_optimised() owner to lingudesk_stats;
revoke all on function content.fsrs_optimised() from public;
grant execute on function content.fsrs_optimised() to lingudesk_backend;

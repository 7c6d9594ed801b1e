-- The admin console: people search, activity, plan comps, the audit trail and statistics.
-- Runs on PostgreSQL 15 and PGlite (PostgreSQL 18); needs no extension.

-- Case and accents folded the same way in the index and in every query ("José" = "jose"). translate() is
-- immutable, unlike unaccent(), so it can feed a generated column and an index.
create function public.fold(t text) returns text language sql immutable parallel safe
  as $$ select lower(translate(t,
    'ÀÁÂÃÄÅĀĂĄàáâãäåāăąÇĆĈĊČçćĉċčĎĐďđÈÉÊËĒĔĖĘĚèéêëēĕėęěĜĞĠĢĝğġģĤĥÌÍÎÏĨĪĬĮİìíîïĩīĭįıĴĵĶķĹĻĽĿŁĺļľŀłÑŃŅŇñńņňÒÓÔÕÖØŌŎŐòóôõöøōŏőŔŖŘŕŗřŚŜŞŠśŝşšȘșŢŤŦţťŧȚțÙÚÛÜŨŪŬŮŰŲùúûüũūŭůűųŴŵÝŸŶýÿŷŹŻŽźżžßÆæŒœÞþÐð',
    'AAAAAAAAAaaaaaaaaaCCCCCcccccDDddEEEEEEEEEeeeeeeeeeGGGGggggHhIIIIIIIIIiiiiiiiiiJjKkLLLLLlllllNNNNnnnnOOOOOOOOOoooooooooRRRrrrSSSSssssSsTTTtttTtUUUUUUUUUUuuuuuuuuuuWwYYYyyyZZZzzzsAaOoTtDd')) $$;

-- Every word of the name and the address, folded: `'garc':*` finds "María García" through the GIN index.
alter table public.users
  add column search tsvector generated always as (to_tsvector('simple', public.fold(name) || ' ' || public.fold(email))) stored,
  add column last_active_at timestamptz,
  -- A plan given by hand until a date (a comp): it wins over the paid plan in `role` while it lasts.
  add column comp_role text check (comp_role in ('user', 'plus', 'premium')),
  add column comp_until timestamptz;
create index users_search on public.users using gin (search);
create index users_email_prefix on public.users (public.fold(email) text_pattern_ops);
create index users_id_prefix on public.users (id text_pattern_ops);
create index users_created on public.users (created_at, id);
create index users_active on public.users (last_active_at, id);

-- One row per user and UTC day on which they got an access token (signed in or refreshed): every day of
-- use has one, since access tokens live 15 minutes and a page load refreshes. Daily active learners.
create table auth.active_days (
  day date not null,
  user_id text not null references public.users (id) on delete cascade,
  primary key (day, user_id)
);
create index active_days_user on auth.active_days (user_id);
alter table auth.active_days enable row level security;
alter table auth.active_days force row level security;
create policy active_days_auth on auth.active_days to lingudesk_auth using (true) with check (true);

alter table credit.accounts
  add column comp_type text check (comp_type in ('free', 'plus', 'premium')),
  add column comp_until timestamptz,
  add column comp_reason text,
  add column comp_by text;
create index accounts_paying on credit.accounts (user_type) where user_type <> 'free';
create index paddle_events_type_at on credit.paddle_events (event_type, occurred_at);
create index requests_created on ai.requests (created_at);

-- The audit trail for admins, through auth only: audit.events stays INSERT-only for every service.
-- `action` matches itself and what it prefixes ('admin' → 'admin.refund', …).
create index events_at on audit.events (at, id);
create index events_actor_at on audit.events (actor, at);
create function audit.search_events(p_actor text, p_action text, p_subject text, p_from timestamptz,
  p_to timestamptz, p_after_at timestamptz, p_after_id uuid, p_limit int) returns setof audit.events
  language sql stable security definer set search_path = pg_catalog, audit
  as $$
    select * from audit.events
     where (p_actor is null or actor = p_actor)
       and (p_action is null or action = p_action or starts_with(action, p_action || '.'))
       and (p_subject is null or subject_id = p_subject)
       and (p_from is null or at >= p_from) and (p_to is null or at < p_to)
       and (p_after_at is null or (at, id) < (p_after_at, p_after_id))
     order by at desc, id desc limit p_limit
  $$;
revoke all on function audit.search_events(text, text, text, timestamptz, timestamptz, timestamptz, uuid, int) from public;
grant execute on function audit.search_events(text, text, text, timestamptz, timestamptz, timestamptz, uuid, int) to lingudesk_auth;

-- Reviews per day across learners, for the statistics: content is under forced RLS per learner, so a
-- NOLOGIN role that may read only when and by whom owns the one function the backend may call.
do $$
begin
  if not exists (select from pg_roles where rolname = 'lingudesk_stats') then
    begin
      create role lingudesk_stats nologin nosuperuser nobypassrls nocreatedb nocreaterole;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
end $$;
grant usage on schema content to lingudesk_stats;
grant select (user_id, reviewed_at, undone_at) on content.reviews to lingudesk_stats;
create policy reviews_stats_read on content.reviews for select to lingudesk_stats using (true);
create index reviews_time on content.reviews (reviewed_at);
create function content.reviews_per_day(p_from timestamptz, p_to timestamptz)
  returns table (day date, reviews bigint, learners bigint)
  language sql stable security definer set search_path = pg_catalog, content
  as $$
    select (reviewed_at at time zone 'UTC')::date, count(*), count(distinct user_id) from content.reviews
     where reviewed_at >= p_from and reviewed_at < p_to and undone_at is null group by 1 order by 1
  $$;
alter function content.reviews_per_day(timestamptz, timestamptz) owner to lingudesk_stats;
revoke all on function content.reviews_per_day(timestamptz, timestamptz) from public;
grant execute on function content.reviews_per_day(timestamptz, timestamptz) to lingudesk_backend;

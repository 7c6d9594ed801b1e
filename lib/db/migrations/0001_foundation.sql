-- Foundation: schemas, roles, the users base, the audit log and the RLS pattern for learner content.
-- Runs on PostgreSQL 15 (production, CI) and on PGlite (PostgreSQL 18, local).

-- Roles are cluster-wide while migrations run per database: create each once and tolerate a
-- concurrent creator migrating another database.
do $$
declare
  r text;
begin
  foreach r in array array['lingudesk_app', 'lingudesk_backend', 'lingudesk_auth', 'lingudesk_credit', 'lingudesk_ai'] loop
    if not exists (select from pg_roles where rolname = r) then
      begin
        execute format('create role %I %s nosuperuser nobypassrls nocreatedb nocreaterole', r,
          case when r = 'lingudesk_app' then 'nologin' else 'login' end);
      exception when duplicate_object or unique_violation then null;
      end;
    end if;
    -- Every policy is written for lingudesk_app, so it binds each service role.
    if r <> 'lingudesk_app' and not pg_has_role(r, 'lingudesk_app', 'member') then
      begin
        execute format('grant lingudesk_app to %I', r);
      exception when unique_violation then null;
      end;
    end if;
  end loop;
end $$;

create schema if not exists auth;
create schema if not exists credit;
create schema if not exists ai;
create schema if not exists content;
create schema if not exists audit;
revoke create on schema public from public;

-- Each service reaches its own schemas only; tables created later by the owner inherit the grants.
grant usage on schema public, auth to lingudesk_auth;
grant usage on schema credit to lingudesk_credit;
grant usage on schema ai to lingudesk_ai;
grant usage on schema content to lingudesk_backend;
grant usage on schema audit to lingudesk_backend, lingudesk_auth, lingudesk_credit, lingudesk_ai;
alter default privileges in schema auth grant select, insert, update, delete on tables to lingudesk_auth;
alter default privileges in schema credit grant select, insert, update, delete on tables to lingudesk_credit;
alter default privileges in schema ai grant select, insert, update, delete on tables to lingudesk_ai;
alter default privileges in schema content grant select, insert, update, delete on tables to lingudesk_backend;
alter default privileges in schema auth grant usage, select on sequences to lingudesk_auth;
alter default privileges in schema credit grant usage, select on sequences to lingudesk_credit;
alter default privileges in schema ai grant usage, select on sequences to lingudesk_ai;
alter default privileges in schema content grant usage, select on sequences to lingudesk_backend;

-- The current user of an asUser() transaction, or null.
create function public.current_user_id() returns text language sql stable as
  $$ select nullif(current_setting('app.user_id', true), '') $$;

create function public.touch_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end $$;

-- For ledgers and logs: refuses UPDATE, DELETE and TRUNCATE for everyone, the owner included.
create function public.refuse_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_schema || '.' || tg_table_name
    using errcode = 'insufficient_privilege';
end $$;

create table public.users (
  id text primary key check (id ~ '^[0-9A-HJKMNP-TV-Z]{10}$'),
  email text not null check (length(email) between 3 and 254),
  name text not null check (length(name) between 1 and 100),
  role text not null default 'user' check (role in ('user', 'plus', 'premium', 'admin')),
  status text not null default 'active' check (status in ('active', 'locked', 'disabled', 'deleted')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_key on public.users (lower(email));
create trigger users_touch before update on public.users
  for each row execute function public.touch_updated_at();
alter table public.users enable row level security;
alter table public.users force row level security;
create policy users_self on public.users to lingudesk_app using (id = public.current_user_id());
create policy users_auth on public.users to lingudesk_auth using (true) with check (true);
grant select, insert, update, delete on public.users to lingudesk_auth;

create table audit.events (
  id uuid primary key default gen_random_uuid(),
  at timestamptz not null default now(),
  actor text not null,              -- a user id, 'system' or a service name
  action text not null check (action ~ '^[a-z]+(\.[a-z_]+)+$'),
  subject_id text,                  -- the user the event is about
  request_id text,
  details jsonb not null default '{}'
);
create index events_subject_at on audit.events (subject_id, at);
create trigger events_append_only before update or delete on audit.events
  for each row execute function public.refuse_change();
create trigger events_no_truncate before truncate on audit.events
  for each statement execute function public.refuse_change();
grant insert on audit.events to lingudesk_backend, lingudesk_auth, lingudesk_credit, lingudesk_ai;

-- The pattern for learner content: the owner comes from the transaction, RLS enabled and forced.
create table content.decks (
  id uuid primary key default gen_random_uuid(),
  user_id text not null default public.current_user_id() references public.users (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  description text not null default '' check (length(description) <= 2000),
  source_lang text not null check (source_lang ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  target_lang text not null check (target_lang ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index decks_user_created on content.decks (user_id, created_at, id);
create trigger decks_touch before update on content.decks
  for each row execute function public.touch_updated_at();
alter table content.decks enable row level security;
alter table content.decks force row level security;
create policy decks_owner on content.decks to lingudesk_app
  using (user_id = public.current_user_id()) with check (user_id = public.current_user_id());

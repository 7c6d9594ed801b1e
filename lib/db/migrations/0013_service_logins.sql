-- What each service login needs beyond its grants.

-- Every service login gets a statement timeout from the server itself (applied when a connection logs in),
-- so it holds through pgBouncer, which refuses a client's `statement_timeout` startup parameter and would
-- silently drop it when told to ignore it. A query over 15 s is cancelled (SQLSTATE 57014).
-- Roles are cluster-wide: set once, tolerating another database migrating at the same moment.
do $$
declare
  r text;
begin
  foreach r in array array['lingudesk_backend', 'lingudesk_auth', 'lingudesk_credit', 'lingudesk_ai'] loop
    if not exists (
      select from pg_db_role_setting s join pg_roles o on o.oid = s.setrole
      where o.rolname = r and s.setdatabase = 0 and 'statement_timeout=15s' = any (s.setconfig)
    ) then
      begin
        execute format('alter role %I set statement_timeout = %L', r, '15s');
      exception when internal_error then null; -- "tuple concurrently updated": the other migrator set it
      end;
    end if;
  end loop;
end $$;

-- /readyz of every role checks that the newest migration its code expects is applied.
grant select on public.schema_migrations to lingudesk_app;

-- Finished backups, recorded by deploy/db/backup.ts: every role exports the newest as
-- backup_last_success_timestamp_seconds, which the BackupTooOld alert holds to the 48-hour RPO.
create table if not exists public.backups (
  name text primary key,
  bytes bigint not null,
  finished_at timestamptz not null default now()
);
grant select on public.backups to lingudesk_app;

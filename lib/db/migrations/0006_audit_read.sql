-- audit.events stays INSERT-only for every service; a user's own events are read through this one
-- function (for their data export), which only auth may call.
create function audit.events_about(subject text) returns setof audit.events
  language sql stable security definer set search_path = pg_catalog, audit
  as $$ select * from audit.events where subject_id = subject order by at, id $$;
revoke all on function audit.events_about(text) from public;
grant execute on function audit.events_about(text) to lingudesk_auth;

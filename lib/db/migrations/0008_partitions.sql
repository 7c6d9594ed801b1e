-- The two tables that only grow, audit.events and ai.requests, become partitioned by month so old months
-- can be detached and archived whole. Partitions are made 12 months ahead by ensure_partitions(), which
-- the migrator runs at every start; a default partition takes any row beyond them, so an insert never fails.
-- Grants, RLS and the append-only triggers stay on the parent: the partitions are reachable by no service.

-- Makes the monthly partitions of `parent` for the months from `first` to `last`, each once. A month whose
-- rows already went to the default partition is left there (still readable), never moved.
create function public.create_month_partitions(parent regclass, first date, last date) returns int
  language plpgsql set search_path = pg_catalog as $$
declare
  sch text;
  tbl text;
  col text;
  month date := date_trunc('month', first)::date;
  name text;
  part regclass;
  taken boolean;
  made int := 0;
  who text;
begin
  select n.nspname, c.relname, a.attname into sch, tbl, col
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_partitioned_table p on p.partrelid = c.oid
    join pg_attribute a on a.attrelid = c.oid and a.attnum = p.partattrs[0]
   where c.oid = parent;
  while month <= last loop
    name := tbl || to_char(month, '_YYYY_MM');
    if to_regclass(format('%I.%I', sch, name)) is null then
      execute format('select exists (select from %I.%I where %I >= $1 and %I < $2)', sch, tbl || '_default', col, col)
        into taken using month, month + interval '1 month';
      if not taken then
        execute format('create table %I.%I partition of %s for values from (%L) to (%L)',
          sch, name, parent, month, month + interval '1 month');
        part := format('%I.%I', sch, name)::regclass;
        -- Schema default privileges would hand the partition to a service: only the parent is granted.
        for who in select distinct case when a.grantee = 0 then 'public' else quote_ident(a.grantee::regrole::text) end
                     from pg_class c, aclexplode(c.relacl) a where c.oid = part and a.grantee <> c.relowner loop
          execute format('revoke all on %s from %s', part, who);
        end loop;
        execute format('create trigger no_truncate before truncate on %s for each statement execute function public.refuse_change()', part);
        made := made + 1;
      end if;
    end if;
    month := month + interval '1 month';
  end loop;
  return made;
end $$;
revoke all on function public.create_month_partitions(regclass, date, date) from public;

-- This month and the next twelve for every partitioned table; run by the migrator at each start. Roles
-- starting together queue on a lock, so a month is never created twice at once.
create function public.ensure_partitions() returns int
  language sql set search_path = pg_catalog as $$
  select pg_advisory_xact_lock(7302114234);
  select coalesce(sum(public.create_month_partitions(partrelid::regclass, now()::date, (now() + interval '12 months')::date)), 0)::int
    from pg_partitioned_table where partrelid::regclass::text in ('audit.events', 'ai.requests');
$$;
revoke all on function public.ensure_partitions() from public;

-- audit.events
drop function audit.events_about(text); -- its result type is the table's row type
alter table audit.events rename to events_unpartitioned;
alter index audit.events_pkey rename to events_unpartitioned_pkey;
alter index audit.events_subject_at rename to events_unpartitioned_subject_at;
create table audit.events (like audit.events_unpartitioned including defaults including constraints) partition by range (at);
alter table audit.events add primary key (id, at);
create index events_subject_at on audit.events (subject_id, at);
create table audit.events_default partition of audit.events default;
select public.create_month_partitions('audit.events',
  coalesce((select min(at) from audit.events_unpartitioned), now())::date, (now() + interval '12 months')::date);
insert into audit.events select * from audit.events_unpartitioned;
drop table audit.events_unpartitioned;
create trigger events_append_only before update or delete on audit.events
  for each row execute function public.refuse_change('actor', 'subject_id', 'ip', 'user_agent', 'details');
create trigger events_no_truncate before truncate on audit.events
  for each statement execute function public.refuse_change();
create trigger no_truncate before truncate on audit.events_default
  for each statement execute function public.refuse_change();
grant insert on audit.events to lingudesk_backend, lingudesk_auth, lingudesk_credit, lingudesk_ai;
grant select, update (actor, subject_id, ip, user_agent, details) on audit.events to lingudesk_eraser;

create function audit.events_about(subject text) returns setof audit.events
  language sql stable security definer set search_path = pg_catalog, audit
  as $$ select * from audit.events where subject_id = subject order by at, id $$;
revoke all on function audit.events_about(text) from public;
grant execute on function audit.events_about(text) to lingudesk_auth;

-- ai.requests: append-only from now on too (a log of calls and their cost); erasure may rewrite user_id.
alter table ai.requests rename to requests_unpartitioned;
alter table ai.requests_unpartitioned no force row level security; -- the owner copies every row below
alter index ai.requests_pkey rename to requests_unpartitioned_pkey;
alter index ai.requests_user_created rename to requests_unpartitioned_user_created;
create table ai.requests (like ai.requests_unpartitioned including defaults including constraints) partition by range (created_at);
alter table ai.requests add primary key (id, created_at);
create index requests_user_created on ai.requests (user_id, created_at);
create table ai.requests_default partition of ai.requests default;
revoke all on ai.requests_default from lingudesk_ai;
select public.create_month_partitions('ai.requests',
  coalesce((select min(created_at) from ai.requests_unpartitioned), now())::date, (now() + interval '12 months')::date);
insert into ai.requests select * from ai.requests_unpartitioned;
drop table ai.requests_unpartitioned;
create trigger requests_append_only before update or delete on ai.requests
  for each row execute function public.refuse_change('user_id');
create trigger requests_no_truncate before truncate on ai.requests
  for each statement execute function public.refuse_change();
create trigger no_truncate before truncate on ai.requests_default
  for each statement execute function public.refuse_change();
revoke all on ai.requests from lingudesk_ai;
grant select, insert on ai.requests to lingudesk_ai;
grant update (user_id) on ai.requests to lingudesk_eraser;
alter table ai.requests enable row level security;
alter table ai.requests force row level security;
create policy requests_ai on ai.requests to lingudesk_ai using (true) with check (true);

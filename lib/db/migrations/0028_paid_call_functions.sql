-- A paid call's money steps as one statement each (issue 14, performance): a usage charge, the start of a
-- paid call under its idempotency key, and its settle. Called as one statement, each is its own transaction
-- with no round trip while the account row is locked, and its plans are cached per session (this works
-- through pgBouncer in transaction mode, where named prepared statements do not). SECURITY INVOKER: they
-- run with the credit role's own grants and policies; only the credit role may call them.

-- A usage charge recorded by key (once), added to pending, whole multiples of p_threshold moved from pending
-- into one ledger debit. p_release frees a settled hold's amount in the same update. p_cap charges at most
-- what is then available instead of refusing. A charge that cannot be covered writes nothing and answers
-- applied = false; a key seen before answers its first charge (applied = true).
create function credit.charge_usage(
  p_key text, p_user text, p_amount bigint, p_threshold bigint, p_hold uuid, p_request text,
  p_release bigint, p_cap boolean
) returns table (r_key text, r_user text, r_amount bigint, r_created_at timestamptz, r_applied boolean)
  language plpgsql volatile security invoker set search_path = pg_catalog, credit
  as $$
declare
  a record;
  c record;
  v_charged bigint;
  v_flushed bigint;
begin
  insert into credit.accounts (user_id) values (p_user) on conflict do nothing;
  select balance, held, pending, balance - held - pending as available into a
    from credit.accounts where user_id = p_user for update;
  select * into c from credit.charges where idempotency_key = p_key;
  if found then
    return query select c.idempotency_key, c.user_id, c.amount, c.created_at, true;
    return;
  end if;
  v_charged := case when p_cap then least(p_amount, a.available + p_release) else p_amount end;
  if a.available + p_release < v_charged then
    return query select p_key, p_user, v_charged, null::timestamptz, false;
    return;
  end if;
  insert into credit.charges (idempotency_key, user_id, amount, hold_id, request_id)
    values (p_key, p_user, v_charged, p_hold, p_request) on conflict do nothing returning * into c;
  if not found then -- the same key, charged by another user's call that committed meanwhile
    select * into c from credit.charges where idempotency_key = p_key;
    return query select c.idempotency_key, c.user_id, c.amount, c.created_at, true;
    return;
  end if;
  v_flushed := (a.pending + v_charged) / p_threshold * p_threshold;
  update credit.accounts set held = held - p_release, pending = pending + v_charged - v_flushed,
         balance = balance - v_flushed, updated_at = now()
   where user_id = p_user returning balance into a;
  if v_flushed > 0 then
    insert into credit.transactions (user_id, kind, amount, balance_after, idempotency_key, actor, reason, request_id)
      values (p_user, 'debit', -v_flushed, a.balance, 'flush:' || p_key, 'system', 'usage', p_request);
  end if;
  return query select c.idempotency_key, c.user_id, c.amount, c.created_at, true;
end $$;

-- Starts a paid call under the user's key (lib/credit/idempotency.ts beginPaid says what each outcome
-- means). With p_grant_due set, a user whose monthly grant the caller must post first answers 'grant' and
-- changes nothing: p_grant_due is the grant this month for each user type, by type, or null not to check.
create function credit.begin_paid(
  p_user text, p_key text, p_fingerprint text, p_amount bigint, p_attempt uuid, p_expires timestamptz,
  p_now timestamptz, p_period text, p_grants jsonb, p_grant_expires boolean
) returns table (
  r_outcome text, r_id uuid, r_user text, r_amount bigint, r_status text, r_charged bigint,
  r_expires_at timestamptz, r_stored_status smallint, r_content_type text, r_body text, r_cost bigint
)
  language plpgsql volatile security invoker set search_path = pg_catalog, credit
  as $$
declare
  a record;
  k record;
  v_known boolean;
  h credit.holds;
  v_type text;
  v_grant bigint;
begin
  insert into credit.accounts (user_id) values (p_user) on conflict do nothing;
  if p_grants is not null then
    select * into a from credit.accounts where user_id = p_user;
    -- A comp is the user's type until it ends (as toAccount in lib/credit/ledger.ts reads it).
    v_type := case when a.comp_until > p_now and a.comp_type is not null then a.comp_type else a.user_type end;
    v_grant := coalesce((p_grants ->> v_type)::bigint, 0);
    if (case when v_grant > 0
          then not exists (select 1 from credit.transactions
                           where idempotency_key = 'grant:' || p_user || ':' || p_period || ':' || v_type)
          else p_grant_expires end) then
      return query select 'grant', null::uuid, null, null::bigint, null, null::bigint, null::timestamptz,
        null::smallint, null, null, null::bigint;
      return;
    end if;
  end if;
  for attempt in 1..2 loop
    select kk.*, hh.status as hold_status, hh.expires_at as hold_expires into k
      from credit.idempotency_keys kk left join credit.holds hh on hh.id = kk.hold_id
     where kk.user_id = p_user and kk.key = p_key for update of kk;
    v_known := found;
    if v_known then
      if k.fingerprint <> p_fingerprint then
        return query select 'mismatch', null::uuid, null, null::bigint, null, null::bigint,
          null::timestamptz, null::smallint, null, null, null::bigint;
        return;
      end if;
      if k.status is not null then
        return query select 'replay', null::uuid, null, null::bigint, null, null::bigint,
          null::timestamptz, k.status, k.content_type, k.body, k.cost;
        return;
      end if;
      if k.hold_status = 'open' and k.hold_expires is not null then
        return query select 'in_progress', null::uuid, null, null::bigint, null, null::bigint,
          k.hold_expires, null::smallint, null, null, null::bigint;
        return;
      end if;
    end if;
    update credit.accounts set held = held + p_amount
     where user_id = p_user and balance - held - pending >= p_amount;
    if not found then
      return query select 'payment_required', null::uuid, null, null::bigint, null, null::bigint,
        null::timestamptz, null::smallint, null, null, null::bigint;
      return;
    end if;
    insert into credit.holds (id, user_id, amount, idempotency_key, expires_at)
      values (p_attempt, p_user, p_amount, 'attempt:' || p_attempt, p_expires) returning * into h;
    if v_known then -- a key whose earlier attempt ended uncharged: a rerun
      update credit.idempotency_keys set hold_id = h.id where user_id = p_user and key = p_key;
      return query select 'rerun', h.id, h.user_id, h.amount, h.status, h.charged, h.expires_at,
        null::smallint, null, null, null::bigint;
      return;
    end if;
    insert into credit.idempotency_keys (user_id, key, fingerprint, hold_id)
      values (p_user, p_key, p_fingerprint, h.id) on conflict do nothing;
    if found then
      return query select 'hold', h.id, h.user_id, h.amount, h.status, h.charged, h.expires_at,
        null::smallint, null, null, null::bigint;
      return;
    end if;
    -- Another call bound the key meanwhile: give the hold back and answer for the key as it is now.
    delete from credit.holds where id = h.id;
    update credit.accounts set held = held - p_amount where user_id = p_user;
  end loop;
  raise exception 'begin_paid: key % of % changed twice', p_key, p_user;
end $$;

-- Records a paid call's charge and its answer (lib/credit/idempotency.ts settlePaid), answering 'charged';
-- a hold closed before answers its status (and a settled one its stored answer). Without p_cap, a
-- charge the balance cannot cover in full writes nothing and answers 'short' (the caller settles again with
-- p_cap and the stored body's cost rewritten, in one transaction).
create function credit.settle_paid(
  p_hold uuid, p_actual bigint, p_status smallint, p_content_type text, p_body text, p_threshold bigint,
  p_now timestamptz, p_request text, p_cap boolean
) returns table (
  r_outcome text, r_charged bigint, r_held bigint, r_status smallint, r_content_type text, r_body text,
  r_cost bigint
)
  language plpgsql volatile security invoker set search_path = pg_catalog, credit
  as $$
declare
  h credit.holds;
  k record;
  c record;
begin
  select * into h from credit.holds where id = p_hold for update;
  if not found then
    return query select 'not_found', null::bigint, null::bigint, null::smallint, null, null, null::bigint;
    return;
  end if;
  if h.status = 'open' and h.expires_at <= p_now then
    update credit.holds set status = 'expired', closed_at = p_now where id = h.id;
    update credit.accounts set held = held - h.amount where user_id = h.user_id;
    h.status := 'expired';
  end if;
  if h.status <> 'open' then
    select kk.status, kk.content_type, kk.body, kk.cost into k from credit.idempotency_keys kk where kk.hold_id = h.id;
    return query select h.status, h.charged, h.amount, k.status, k.content_type, k.body, k.cost;
    return;
  end if;
  select * into c from credit.charge_usage('hold:' || h.id, h.user_id, p_actual, p_threshold, h.id, p_request,
    h.amount, p_cap);
  if not c.r_applied then
    return query select 'short', null::bigint, h.amount, null::smallint, null, null, null::bigint;
    return;
  end if;
  update credit.holds set status = 'settled', charged = c.r_amount, closed_at = p_now where id = h.id;
  update credit.idempotency_keys set status = p_status, content_type = p_content_type, body = p_body,
         cost = c.r_amount where hold_id = h.id;
  return query select 'charged', c.r_amount, h.amount, p_status, p_content_type, p_body, c.r_amount;
end $$;

revoke all on function credit.charge_usage(text, text, bigint, bigint, uuid, text, bigint, boolean) from public;
revoke all on function credit.begin_paid(text, text, text, bigint, uuid, timestamptz, timestamptz, text, jsonb, boolean) from public;
revoke all on function credit.settle_paid(uuid, bigint, smallint, text, text, bigint, timestamptz, text, boolean) from public;
grant execute on function credit.charge_usage(text, text, bigint, bigint, uuid, text, bigint, boolean) to lingudesk_credit;
grant execute on function credit.begin_paid(text, text, text, bigint, uuid, timestamptz, timestamptz, text, jsonb, boolean) to lingudesk_credit;
grant execute on function credit.settle_paid(uuid, bigint, smallint, text, text, bigint, timestamptz, text, boolean) to lingudesk_credit;

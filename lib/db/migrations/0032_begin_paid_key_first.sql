-- credit.begin_paid (0028) answered for a key as it was when the call began (issue 14: the faults storm found
-- a charge whose client was told otherwise). Two sends of one key at once, both waiting for the account row:
-- the second saw no key, then no credits left for a second hold, and answered 402 while the first ran and was
-- charged. And its key lookup locked the key joined to its hold, which a concurrent rerun could pass with the
-- hold it first read. Now a call that finds no credits answers for a key bound meanwhile, and the key is
-- locked alone before its hold is read.

create or replace function credit.begin_paid(
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
  h_status text;
  h_expires timestamptz;
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
    -- The key row alone is locked, then its hold read: joined in one locking query, a row another begin
    -- changed meanwhile is re-checked against the hold it first joined, so two reruns could both start.
    select * into k from credit.idempotency_keys where user_id = p_user and key = p_key for update;
    v_known := found;
    if v_known then
      select status, expires_at into h_status, h_expires from credit.holds where id = k.hold_id;
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
      if h_status = 'open' then
        return query select 'in_progress', null::uuid, null, null::bigint, null, null::bigint,
          h_expires, null::smallint, null, null, null::bigint;
        return;
      end if;
    end if;
    update credit.accounts set held = held + p_amount
     where user_id = p_user and balance - held - pending >= p_amount;
    if not found then
      -- Waiting for the account row, this call may have let another with the same key bind it: answer for it.
      if not v_known and exists (select 1 from credit.idempotency_keys where user_id = p_user and key = p_key) then
        continue;
      end if;
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

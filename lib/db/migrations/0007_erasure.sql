-- Erasure of an account (GDPR). Content, sessions and personal fields go; ledger, charge and AI-call rows
-- stay for accounting under a pseudonym: a fresh user id that nothing links back to the person.

-- Append-only tables accept one kind of change: erase_user() rewriting who a row is about. The trigger
-- arguments name those columns; any other column changing is refused, amounts included.
create or replace function public.refuse_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and current_setting('app.erasing', true) = 'on'
     and to_jsonb(old) - tg_argv = to_jsonb(new) - tg_argv then
    return new;
  end if;
  raise exception '% is append-only', tg_table_schema || '.' || tg_table_name
    using errcode = 'insufficient_privilege';
end $$;

drop trigger transactions_append_only on credit.transactions;
create trigger transactions_append_only before update or delete on credit.transactions
  for each row execute function public.refuse_change('user_id', 'actor', 'idempotency_key');
drop trigger events_append_only on audit.events;
create trigger events_append_only before update or delete on audit.events
  for each row execute function public.refuse_change('actor', 'subject_id', 'ip', 'user_agent', 'details');

-- The one role that may erase: the privileges and policies of auth, credit and ai (it joins them), the
-- identity columns of the append-only tables, and reading which media other learners' cards use.
do $$
begin
  if not exists (select from pg_roles where rolname = 'lingudesk_eraser') then
    begin
      create role lingudesk_eraser nologin nosuperuser nobypassrls nocreatedb nocreaterole;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
end $$;
grant lingudesk_auth, lingudesk_credit, lingudesk_ai to lingudesk_eraser;
grant update (user_id, actor, idempotency_key) on credit.transactions to lingudesk_eraser;
grant select, update (actor, subject_id, ip, user_agent, details) on audit.events to lingudesk_eraser;
grant usage on schema content to lingudesk_eraser;
grant select (user_id, image_key, audio_key) on content.cards to lingudesk_eraser;
create policy cards_eraser_read on content.cards for select to lingudesk_eraser using (true);

-- Which of these media keys also appear on another learner's card (media are content-addressed and shared
-- through the AI cache, so erasing one person's card must not break another's).
create function content.media_shared(owner text, keys text[]) returns setof text
  language sql stable security definer set search_path = pg_catalog, content
  as $$
    select k from unnest(keys) k
     where exists (select from content.cards c where c.user_id <> owner and k in (c.image_key, c.audio_key))
  $$;
alter function content.media_shared(text, text[]) owner to lingudesk_eraser;
revoke all on function content.media_shared(text, text[]) from public;
grant execute on function content.media_shared(text, text[]) to lingudesk_backend;

-- Erases one account: moves what accounting keeps to the pseudonym, scrubs the person from audit events
-- and Paddle payloads, then deletes the user row (content and auth rows go with it by cascade). Running it
-- again for an erased id does nothing.
create function public.erase_user(old_id text, pseudonym text) returns boolean
  language plpgsql security definer set search_path = pg_catalog, public set app.erasing = 'on'
as $$
declare
  mail text;
  mail_re text;
begin
  select email into mail from public.users where id = old_id for update;
  if not found then
    return false;
  end if;
  mail_re := '(?i)' || regexp_replace(mail, '([.*+?^${}()|\[\]\\])', '\\\1', 'g');
  insert into public.users (id, email, name, role, status, created_at)
    select pseudonym, 'erased-' || lower(pseudonym) || '@erased.invalid', 'Erased user', 'user', 'deleted', created_at
      from public.users where id = old_id;
  update credit.accounts set user_id = pseudonym where user_id = old_id;
  -- Idempotency keys are built from the user id: they follow it, or they would still name the person.
  update credit.holds set user_id = pseudonym, idempotency_key = replace(idempotency_key, old_id, pseudonym) where user_id = old_id;
  update credit.charges set user_id = pseudonym, idempotency_key = replace(idempotency_key, old_id, pseudonym) where user_id = old_id;
  update credit.transactions
     set user_id = case when user_id = old_id then pseudonym else user_id end,
         actor = case when actor = old_id then pseudonym else actor end,
         idempotency_key = replace(idempotency_key, old_id, pseudonym)
   where old_id in (user_id, actor) or strpos(idempotency_key, old_id) > 0;
  update credit.paddle_events
     set payload = regexp_replace(replace(payload::text, old_id, pseudonym), mail_re, '[erased]', 'g')::jsonb
   where strpos(payload::text, old_id) > 0 or payload::text ~ mail_re;
  update ai.requests set user_id = pseudonym where user_id = old_id;
  update audit.events
     set actor = case when actor = old_id then pseudonym else actor end,
         subject_id = case when subject_id = old_id then pseudonym else subject_id end,
         ip = case when old_id in (actor, subject_id) then null else ip end,
         user_agent = case when old_id in (actor, subject_id) then null else user_agent end,
         details = regexp_replace(replace(details::text, old_id, pseudonym), mail_re, '[erased]', 'g')::jsonb
   where old_id in (actor, subject_id) or strpos(details::text, old_id) > 0 or details::text ~ mail_re;
  delete from public.users where id = old_id;
  return true;
end $$;
alter function public.erase_user(text, text) owner to lingudesk_eraser;
revoke all on function public.erase_user(text, text) from public;
grant execute on function public.erase_user(text, text) to lingudesk_auth;

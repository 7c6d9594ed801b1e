-- Plan changes on their way to auth (issue 16). A Paddle webhook or an admin's comp writes its row here in the
-- same transaction as the change itself, so a change that committed is never lost: the credit role delivers
-- each row to auth (a signed service call; setting a user's type is idempotent there) and deletes it only when
-- auth confirmed, retrying with backoff while auth is down. A user's rows go out one at a time, oldest first.
create table credit.role_outbox (
  id bigint generated always as identity primary key,
  user_id text not null references public.users (id) on delete cascade,
  kind text not null check (kind in ('role', 'comp')),
  body jsonb not null,
  attempts int not null default 0,
  next_at timestamptz not null default now(),  -- a claimed row is leased until then, a failed one waits
  last_error text,
  created_at timestamptz not null default now()
);
create index role_outbox_user on credit.role_outbox (user_id, id);
create index role_outbox_due on credit.role_outbox (next_at);
alter table credit.role_outbox enable row level security;
alter table credit.role_outbox force row level security;
create policy role_outbox_credit on credit.role_outbox to lingudesk_credit using (true) with check (true);

-- The credit service: accounts, the append-only ledger, holds, pending micro-charges, Paddle events.
-- Amounts are integer micro-euros (1 EUR = 1,000,000).

create table credit.accounts (
  user_id text primary key references public.users (id) on delete cascade,
  user_type text not null default 'free' check (user_type in ('free', 'plus', 'premium')),
  balance bigint not null default 0 check (balance >= 0),
  held bigint not null default 0 check (held >= 0),          -- open holds
  pending bigint not null default 0 check (pending >= 0),    -- accepted micro-charges not yet in the ledger
  check (balance - held - pending >= 0),                     -- what is held or owed is always covered
  subscription_id text,
  subscription_status text,
  subscription_at timestamptz,                               -- occurred_at of the last applied subscription event
  updated_at timestamptz not null default now()
);

create table credit.transactions (
  id uuid primary key default gen_random_uuid(),
  user_id text not null references public.users (id),
  kind text not null check (kind in ('grant', 'purchase', 'debit', 'refund', 'adjustment', 'expiry')),
  amount bigint not null check (amount <> 0),                -- positive adds credit, negative takes it
  balance_after bigint not null check (balance_after >= 0),
  idempotency_key text not null unique,
  actor text not null,
  reason text not null default '',
  request_id text,
  refund_of uuid references credit.transactions (id),
  created_at timestamptz(3) not null default now()   -- ms, as page cursors carry it
);
create index transactions_user_created on credit.transactions (user_id, created_at desc, id);
create index transactions_created on credit.transactions (created_at);
create index transactions_refund_of on credit.transactions (refund_of) where refund_of is not null;
create trigger transactions_append_only before update or delete on credit.transactions
  for each row execute function public.refuse_change();
create trigger transactions_no_truncate before truncate on credit.transactions
  for each statement execute function public.refuse_change();
revoke update, delete, truncate on credit.transactions from lingudesk_credit;

create table credit.holds (
  id uuid primary key default gen_random_uuid(),
  user_id text not null references public.users (id),
  amount bigint not null check (amount > 0),
  status text not null default 'open' check (status in ('open', 'settled', 'released', 'expired')),
  idempotency_key text not null unique,
  charged bigint,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  closed_at timestamptz
);
create index holds_open on credit.holds (user_id, expires_at) where status = 'open';

-- Every accepted charge, by its idempotency key: a retry finds its first answer.
create table credit.charges (
  idempotency_key text primary key,
  user_id text not null references public.users (id),
  amount bigint not null check (amount >= 0),
  hold_id uuid references credit.holds (id),
  request_id text,
  created_at timestamptz not null default now()
);
create index charges_user on credit.charges (user_id, created_at);

create table credit.paddle_events (
  event_id text primary key,
  event_type text not null,
  occurred_at timestamptz not null,
  received_at timestamptz not null default now(),
  payload jsonb not null
);

do $$
declare
  t text;
begin
  foreach t in array array['accounts', 'transactions', 'holds', 'charges', 'paddle_events'] loop
    execute format('alter table credit.%I enable row level security', t);
    execute format('alter table credit.%I force row level security', t);
    execute format('create policy %I on credit.%I to lingudesk_credit using (true) with check (true)', t || '_credit', t);
  end loop;
end $$;

-- Admins search transactions by email: the credit service may read ids and emails, nothing else.
grant usage on schema public to lingudesk_credit;
grant select (id, email) on public.users to lingudesk_credit;
create policy users_credit_read on public.users for select to lingudesk_credit using (true);

-- Paid requests are idempotent by the client's Idempotency-Key (Stripe's model). Per user and key: the
-- fingerprint of the request (method, path, canonical body), the hold of the attempt running now, and, once
-- its charge was recorded, the response, written in the same transaction as the settle. Rows are kept at
-- least IDEMPOTENCY_KEEP_S; the credit role's sweeper deletes older ones, after which the key is free again.
-- They go with the user on erasure: a stored answer is the learner's data, the ledger keeps the money.
create table credit.idempotency_keys (
  user_id text not null references public.users (id) on delete cascade,
  key text not null,
  fingerprint text not null,
  hold_id uuid references credit.holds (id),
  status smallint,            -- the stored response: null while no charge is recorded for this key
  content_type text,
  body text,
  cost bigint check (cost >= 0),
  created_at timestamptz not null default now(),
  primary key (user_id, key)
);
create index idempotency_keys_created on credit.idempotency_keys (created_at);
create index idempotency_keys_hold on credit.idempotency_keys (hold_id);
alter table credit.idempotency_keys enable row level security;
alter table credit.idempotency_keys force row level security;
create policy idempotency_keys_credit on credit.idempotency_keys to lingudesk_credit using (true) with check (true);

-- The sweeper takes due holds of every user in expiry order.
create index holds_due on credit.holds (expires_at) where status = 'open';

-- Sign-up waits for the emailed code: a pending registration becomes an account (already verified) only
-- when its code comes back. A taken email gets a row too, whose code is never sent, so both answer alike.
create table auth.registrations (
  id uuid primary key,
  email text not null,
  name text not null,
  password_hash text not null,
  code_hash text not null,
  attempts int not null default 0,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
create index registrations_expires on auth.registrations (expires_at);
alter table auth.registrations enable row level security;
alter table auth.registrations force row level security;
create policy registrations_auth on auth.registrations to lingudesk_auth using (true) with check (true);

-- Foreign keys are checked without RLS: a plain deck_id reference let a service role, acting for user A,
-- attach a card to B's deck. Each child row now references its parent together with its own user_id, so
-- the database refuses a link across users whoever asks.
alter table content.decks add constraint decks_id_user unique (id, user_id);
alter table content.cards add constraint cards_id_user unique (id, user_id);
alter table content.cards drop constraint cards_deck_id_fkey,
  add constraint cards_deck_user_fkey foreign key (deck_id, user_id) references content.decks (id, user_id) on delete cascade;
alter table content.reviews drop constraint reviews_card_id_fkey,
  add constraint reviews_card_user_fkey foreign key (card_id, user_id) references content.cards (id, user_id) on delete cascade,
  add constraint reviews_deck_user_fkey foreign key (deck_id, user_id) references content.decks (id, user_id) on delete cascade;

-- The same for money: a charge settles a hold of the same user, a refund refunds that user's transaction.
-- Deferred to commit, because erase_user moves holds, charges and transactions to a pseudonym one table
-- at a time.
alter table credit.holds add constraint holds_id_user unique (id, user_id);
alter table credit.transactions add constraint transactions_id_user unique (id, user_id);
alter table credit.charges drop constraint charges_hold_id_fkey,
  add constraint charges_hold_user_fkey foreign key (hold_id, user_id) references credit.holds (id, user_id)
    deferrable initially deferred;
alter table credit.transactions drop constraint transactions_refund_of_fkey,
  add constraint transactions_refund_user_fkey foreign key (refund_of, user_id) references credit.transactions (id, user_id)
    deferrable initially deferred;

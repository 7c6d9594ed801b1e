-- Every change to a card's content keeps what it replaced, so the card page can undo any of them (an edit, an
-- accepted AI proposal, a restore). Rows go with the card; RLS as on every learner table.

create table content.card_history (
  id uuid primary key default gen_random_uuid(),
  user_id text not null default public.current_user_id() references public.users (id) on delete cascade,
  card_id uuid not null references content.cards (id) on delete cascade,
  change text not null check (length(change) <= 40),  -- 'edit', 'ai.translate', 'restore', …
  before jsonb not null,                                -- front, back, notes, examples, tags, imageKey, audioKey
  created_at timestamptz not null default clock_timestamp()
);
create index card_history_card on content.card_history (card_id, created_at desc);

alter table content.card_history enable row level security;
alter table content.card_history force row level security;
create policy card_history_owner on content.card_history to lingudesk_app
  using (user_id = public.current_user_id()) with check (user_id = public.current_user_id());

-- Learner content: cards with their FSRS state, reviews (for undo and stats), per-user study settings.
-- Every table follows content.decks: user_id from the transaction, RLS enabled and forced.

alter table content.decks
  add column new_per_day int not null default 20 check (new_per_day between 0 and 9999),
  add column reviews_per_day int not null default 200 check (reviews_per_day between 0 and 99999);

create table content.settings (
  user_id text primary key default public.current_user_id() references public.users (id) on delete cascade,
  timezone text not null default 'UTC',
  desired_retention numeric(4, 3) not null default 0.9 check (desired_retention between 0.7 and 0.99),
  maximum_interval int not null default 36500 check (maximum_interval between 1 and 36500),
  updated_at timestamptz not null default now()
);

create table content.cards (
  id uuid primary key default gen_random_uuid(),
  user_id text not null default public.current_user_id() references public.users (id) on delete cascade,
  deck_id uuid not null references content.decks (id) on delete cascade,
  front text not null check (length(front) between 1 and 2000),
  back text not null default '' check (length(back) <= 4000),
  notes text not null default '' check (length(notes) <= 8000),
  examples jsonb not null default '[]',
  tags text[] not null default '{}',
  image_key text,
  audio_key text,
  fsrs jsonb not null,                      -- ts-fsrs card state; `due` and `state` are copied out for queries
  due timestamptz not null,
  state smallint not null default 0 check (state between 0 and 3),  -- new, learning, review, relearning
  version int not null default 0,           -- bumped by every review: two tabs cannot both grade one state
  created_at timestamptz(3) not null default now(),  -- ms, as page cursors carry it
  updated_at timestamptz not null default now()
);
create index cards_deck_created on content.cards (deck_id, created_at, id);
create index cards_deck_due on content.cards (deck_id, due, id) where state <> 0;
create index cards_deck_new on content.cards (deck_id, created_at, id) where state = 0;
create index cards_tags on content.cards using gin (tags);
create trigger cards_touch before update on content.cards for each row execute function public.touch_updated_at();

create table content.reviews (
  id uuid primary key default gen_random_uuid(),
  user_id text not null default public.current_user_id() references public.users (id) on delete cascade,
  card_id uuid not null references content.cards (id) on delete cascade,
  deck_id uuid not null,
  grade smallint not null check (grade between 1 and 4),
  duration_ms int not null check (duration_ms between 0 and 3600000),
  was_new boolean not null,
  state_before jsonb not null,
  state_after jsonb not null,
  version_before int not null,
  reviewed_at timestamptz not null,
  undone_at timestamptz
);
create index reviews_user_time on content.reviews (user_id, reviewed_at);
create index reviews_card on content.reviews (card_id, reviewed_at);

do $$
declare
  t text;
begin
  foreach t in array array['settings', 'cards', 'reviews'] loop
    execute format('alter table content.%I enable row level security', t);
    execute format('alter table content.%I force row level security', t);
    execute format('create policy %I on content.%I to lingudesk_app using (user_id = public.current_user_id()) with check (user_id = public.current_user_id())', t || '_owner', t);
  end loop;
end $$;

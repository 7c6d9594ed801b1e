-- Study like Anki (issue 18, second half): cards can be suspended, buried until the learner's next day and
-- flagged; a card that lapses too often becomes a leech; each deck has its own options, which presets share.

alter table content.cards
  add column suspended boolean not null default false,
  add column buried_until timestamptz,                  -- hidden from study until then (the next day's start)
  add column flag smallint not null default 0 check (flag between 0 and 7);  -- 0 none, 1–7 colours as in Anki

-- The queue reads each deck through these; suspended cards are never in it, so they leave the indexes.
drop index if exists content.cards_deck_due;
drop index if exists content.cards_deck_new;
create index cards_deck_due on content.cards (deck_id, due, id) where state <> 0 and not suspended;
create index cards_deck_new on content.cards (deck_id, created_at, id) where state = 0 and not suspended;

-- A review that made its card a leech, so undoing it takes the leech mark back too.
alter table content.reviews add column leeched boolean not null default false;

-- Named option sets: a deck that uses one takes its values (copied in when applied or when the preset changes).
create table content.deck_presets (
  id uuid primary key default gen_random_uuid(),
  user_id text not null default public.current_user_id() references public.users (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  new_per_day int not null default 20 check (new_per_day between 0 and 9999),
  reviews_per_day int not null default 200 check (reviews_per_day between 0 and 99999),
  desired_retention numeric(4, 3) not null default 0.9 check (desired_retention between 0.7 and 0.99),
  maximum_interval int not null default 36500 check (maximum_interval between 1 and 36500),
  leech_threshold int not null default 8 check (leech_threshold between 1 and 99),
  leech_action text not null default 'suspend' check (leech_action in ('suspend', 'tag')),
  autoplay boolean not null default true,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, name),
  unique (id, user_id)
);
create trigger deck_presets_touch before update on content.deck_presets
  for each row execute function public.touch_updated_at();
alter table content.deck_presets enable row level security;
alter table content.deck_presets force row level security;
create policy deck_presets_owner on content.deck_presets to lingudesk_app
  using (user_id = public.current_user_id()) with check (user_id = public.current_user_id());

-- Scheduling moves from the learner's settings to each deck (starting from what the learner had set).
-- extra_* are today's custom-study additions to the daily limits, valid on the learner's day extra_on only.
alter table content.decks
  add column desired_retention numeric(4, 3) not null default 0.9 check (desired_retention between 0.7 and 0.99),
  add column maximum_interval int not null default 36500 check (maximum_interval between 1 and 36500),
  add column leech_threshold int not null default 8 check (leech_threshold between 1 and 99),
  add column leech_action text not null default 'suspend' check (leech_action in ('suspend', 'tag')),
  add column autoplay boolean not null default true,
  add column preset_id uuid,
  add column extra_on date,
  add column extra_new int not null default 0 check (extra_new between 0 and 9999),
  add column extra_reviews int not null default 0 check (extra_reviews between 0 and 99999),
  add constraint decks_preset_user_fkey foreign key (preset_id, user_id)
    references content.deck_presets (id, user_id) on delete set null (preset_id);
create index decks_preset on content.decks (preset_id) where preset_id is not null;
update content.decks d set desired_retention = s.desired_retention, maximum_interval = s.maximum_interval
  from content.settings s where s.user_id = d.user_id;

-- Notes and note types (expand step). A note holds named fields; its type (lib/content/note-types.ts) makes its
-- cards, one per `ord` (0 front → back, 1 the reverse, n the cloze number). A card keeps its own front/back:
-- what it shows, made from the note; its schedule and reviews stay on the card, so history is untouched.
--
-- Expand/contract: this migration adds notes and cards.note_id and turns every existing card into a Basic
-- note (the note takes the card's id), with a trigger that does the same for any writer that still inserts
-- cards without a note (a backend of the previous release during a rolling deploy, raw seeds). The contract
-- step, once no such writer runs, makes cards.note_id NOT NULL and drops the trigger.

create table content.notes (
  id uuid primary key default gen_random_uuid(),
  user_id text not null default public.current_user_id() references public.users (id) on delete cascade,
  deck_id uuid not null,
  type text not null check (type in ('basic', 'reversed', 'optional-reversed', 'typed', 'cloze')),
  fields jsonb not null check (jsonb_typeof(fields) = 'object' and octet_length(fields::text) <= 64000),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz not null default now(),
  constraint notes_id_user unique (id, user_id),
  constraint notes_deck_user_fkey foreign key (deck_id, user_id) references content.decks (id, user_id) on delete cascade
);
create index notes_deck_created on content.notes (deck_id, created_at, id);
create trigger notes_touch before update on content.notes for each row execute function public.touch_updated_at();
alter table content.notes enable row level security;
alter table content.notes force row level security;
create policy notes_owner on content.notes to lingudesk_app
  using (user_id = public.current_user_id()) with check (user_id = public.current_user_id());

-- ord: which of its note's cards this is. empty: the note's fields no longer make it (a cloze number removed);
-- kept with its history and out of the queue until the learner deletes it or the field makes it again (as Anki).
-- sibling_buried_until: a sibling was studied today, so this card waits for tomorrow (decks.bury_siblings).
alter table content.cards
  add column note_id uuid,
  add column ord smallint not null default 0 check (ord between 0 and 999),
  add column empty boolean not null default false,
  add column sibling_buried_until timestamptz,
  add constraint cards_note_user_fkey foreign key (note_id, user_id) references content.notes (id, user_id) on delete cascade,
  add constraint cards_note_ord unique (note_id, ord);

alter table content.decks add column bury_siblings boolean not null default true;

insert into content.notes (id, user_id, deck_id, type, fields, created_at, updated_at)
  select id, user_id, deck_id, 'basic', jsonb_build_object('front', front, 'back', back), created_at, updated_at
  from content.cards;
alter table content.cards disable trigger cards_touch; -- the backfill is no edit: updated_at stays
update content.cards set note_id = id;
alter table content.cards enable trigger cards_touch;

create function content.card_default_note() returns trigger language plpgsql as $$
begin
  insert into content.notes (id, user_id, deck_id, type, fields, created_at)
  values (new.id, new.user_id, new.deck_id, 'basic', jsonb_build_object('front', new.front, 'back', new.back), new.created_at);
  new.note_id := new.id;
  return new;
end $$;
create trigger cards_default_note before insert on content.cards
  for each row when (new.note_id is null) execute function content.card_default_note();

-- The study queue reads each deck's due and new cards through these indexes (issue 18). They now hold all it asks
-- of a card, so both the queue and the deck counts are index-only scans: empty cards leave them like suspended
-- ones, and what depends on the time (buried_until, sibling_buried_until), the owner (user_id, for RLS), the
-- note (siblings) and the order's other columns are carried along.
drop index content.cards_deck_due;
drop index content.cards_deck_new;
create index cards_deck_due on content.cards (deck_id, due, id)
  include (created_at, note_id, buried_until, sibling_buried_until, user_id)
  where state <> 0 and not suspended and not empty;
create index cards_deck_new on content.cards (deck_id, created_at, id)
  include (due, note_id, buried_until, sibling_buried_until, user_id)
  where state = 0 and not suspended and not empty;

-- Bury siblings is a deck option like the others, so presets carry it too.
alter table content.deck_presets add column bury_siblings boolean not null default true;

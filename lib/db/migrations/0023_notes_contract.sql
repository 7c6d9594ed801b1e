-- Notes, contract step (0017 was the expand step). Every writer now gives each card its note (addNotes in
-- lib/content/notes.ts), so the trigger that made a Basic note for a card written without one goes, and such
-- a card is refused. The trigger left no card without a note; any that is (written with triggers off) becomes
-- a Basic note first, as 0017 did, so no card or review is lost.
drop trigger cards_default_note on content.cards;
drop function content.card_default_note();

insert into content.notes (id, user_id, deck_id, type, fields, created_at, updated_at)
  select id, user_id, deck_id, 'basic', jsonb_build_object('front', front, 'back', back), created_at, updated_at
  from content.cards where note_id is null;
alter table content.cards disable trigger cards_touch; -- no edit: updated_at stays
update content.cards set note_id = id where note_id is null;
alter table content.cards enable trigger cards_touch;

alter table content.cards alter column note_id set not null;

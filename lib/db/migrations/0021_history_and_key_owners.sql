-- Two links still named their parent by id alone, so a role acting for user A could point A's row at B's:
-- card history at another learner's card, an idempotency key at another learner's hold. As in 0010, each
-- now references its parent together with its own user_id. The key's link is checked at commit, as 0010's
-- money links are: erase_user moves holds to a pseudonym before the user's keys go with the user.
alter table content.card_history
  drop constraint card_history_card_id_fkey,
  add constraint card_history_card_user_fkey foreign key (card_id, user_id)
    references content.cards (id, user_id) on delete cascade;
alter table credit.idempotency_keys
  drop constraint idempotency_keys_hold_id_fkey,
  add constraint idempotency_keys_hold_user_fkey foreign key (hold_id, user_id)
    references credit.holds (id, user_id)
    deferrable initially deferred;

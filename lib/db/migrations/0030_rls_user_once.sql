-- Each owner policy compares user_id with the current user read once per statement (an InitPlan), not once per
-- row: written bare, current_user_id() is a stable call evaluated for every row a scan reads, and the study
-- queue's index-only scans read about 3,000 index entries per call (issue 18). New policies take this form.
alter policy users_self on public.users using (id = (select public.current_user_id()));
do $$
declare
  t text;
begin
  foreach t in array array['settings', 'cards', 'reviews', 'decks', 'card_history', 'notes', 'deck_presets',
                           'fsrs_weights', 'import_jobs', 'fsrs_refits'] loop
    execute format('alter policy %I on content.%I using (user_id = (select public.current_user_id())) with check (user_id = (select public.current_user_id()))', t || '_owner', t);
  end loop;
end $$;

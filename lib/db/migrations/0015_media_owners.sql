-- Who may fetch a generated image or sound: the learner who generated it. Media made before this were shared
-- through the cache and named by a hash of the prompt, so each learner whose card uses one owns it too.
-- From now on the cache is per learner and media keys are random: a key tells nobody else anything.
create table ai.media (
  key text not null,
  user_id text not null,
  created_at timestamptz not null default now(),
  primary key (key, user_id)
);
alter table ai.media enable row level security;
alter table ai.media force row level security;
create policy media_ai on ai.media to lingudesk_ai using (true) with check (true);
insert into ai.media (key, user_id)
  select distinct k, user_id from content.cards, unnest(array[image_key, audio_key]) k where k is not null;

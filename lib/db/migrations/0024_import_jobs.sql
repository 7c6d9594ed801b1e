-- Anki imports (issue 19): a job row per import, so the learner (and a reload) sees its step and progress.
-- The import writes decks, notes, cards and reviews in one transaction at its end, so a failed job leaves
-- only this row; media_keys are the media it uploaded first, deleted again when it fails.
-- heartbeat_at: a running job writes it every few seconds; a job whose process died is failed on read.
create table content.import_jobs (
  id uuid primary key default gen_random_uuid(),
  user_id text not null default public.current_user_id() references public.users (id) on delete cascade,
  name text check (length(name) <= 200),
  state text not null default 'running' check (state in ('running', 'done', 'failed')),
  step text check (step in ('media', 'notes', 'reviews', 'memory', 'commit')),
  done int not null default 0 check (done >= 0),
  total int not null default 0 check (total >= 0),
  summary jsonb not null,
  error jsonb,
  media_keys text[] not null default '{}',
  heartbeat_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index import_jobs_user_created on content.import_jobs (user_id, created_at desc);
alter table content.import_jobs enable row level security;
alter table content.import_jobs force row level security;
create policy import_jobs_owner on content.import_jobs to lingudesk_app
  using (user_id = public.current_user_id()) with check (user_id = public.current_user_id());

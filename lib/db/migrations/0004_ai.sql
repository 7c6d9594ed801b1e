-- The AI service: the result cache (media bytes live in the ai-media bucket) and one row per call.

create table ai.cache (
  key text primary key,                    -- sha256 of (operation, plugin, model, normalised input)
  operation text not null,
  plugin text not null,
  model text not null,
  result jsonb,                            -- text operations
  media_key text,                          -- image and speech: the object in the bucket
  content_type text,
  cost bigint not null check (cost >= 0),  -- what the provider call cost, in µ€
  hits bigint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table ai.requests (
  id uuid primary key default gen_random_uuid(),
  user_id text not null,
  operation text not null,
  plugin text not null,
  model text not null,
  cache_hit boolean not null,
  usage jsonb not null default '{}',
  cost bigint not null check (cost >= 0),
  latency_ms int not null,
  outcome text not null check (outcome in ('ok', 'failed', 'refused', 'malformed')),
  request_id text,
  created_at timestamptz not null default now()
);
create index requests_user_created on ai.requests (user_id, created_at);

alter table ai.cache enable row level security;
alter table ai.cache force row level security;
create policy cache_ai on ai.cache to lingudesk_ai using (true) with check (true);
alter table ai.requests enable row level security;
alter table ai.requests force row level security;
create policy requests_ai on ai.requests to lingudesk_ai using (true) with check (true);

-- The auth service: credentials, signing keys, sessions and refresh tokens, one-time codes, OAuth.
-- Only lingudesk_auth reaches these tables (schema grants); RLS is on so no other member of
-- lingudesk_app ever sees a row even if granted the schema later.

alter table public.users add column email_verified_at timestamptz;

alter table audit.events
  add column ip text,
  add column user_agent text,
  add column outcome text not null default 'ok' check (outcome in ('ok', 'failed', 'refused'));

create table auth.accounts (
  user_id text primary key references public.users (id) on delete cascade,
  password_hash text,                      -- null for accounts created through OAuth only
  two_factor boolean not null default false,
  failed_logins int not null default 0,    -- consecutive failures since the last success or lock
  lockouts int not null default 0,         -- locks since the last success: the next lock lasts 2^n min
  locked_until timestamptz,
  updated_at timestamptz not null default now()
);

-- RS256 signing keys. A key is published from creation, signs from activates_at until retire_at, and is
-- published until expire_at (retire_at + the longest access-token lifetime).
create table auth.signing_keys (
  kid text primary key,
  public_jwk jsonb not null,
  private_key_enc text not null,           -- AES-GCM with the key-encryption key from config
  created_at timestamptz not null,
  activates_at timestamptz not null,
  retire_at timestamptz,
  expire_at timestamptz
);

create table auth.sessions (
  id uuid primary key default gen_random_uuid(),
  user_id text not null references public.users (id) on delete cascade,
  device_id text not null,
  user_agent text,
  ip text,
  created_at timestamptz not null,
  last_used_at timestamptz not null,
  expires_at timestamptz not null,         -- absolute session lifetime
  revoked_at timestamptz,
  revoked_reason text
);
create index sessions_user on auth.sessions (user_id, created_at);

create table auth.refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references auth.sessions (id) on delete cascade,
  token_hash text not null unique,         -- SHA-256, for lookup
  token_enc text not null,                 -- encrypted, so a retry within the grace window gets the same successor
  created_at timestamptz not null,
  expires_at timestamptz not null,
  rotated_at timestamptz,
  successor_id uuid references auth.refresh_tokens (id)
);
create index refresh_tokens_session on auth.refresh_tokens (session_id);

-- 6-digit codes (email verification, login second factor) and reset links, stored hashed.
create table auth.codes (
  id uuid primary key default gen_random_uuid(),
  user_id text not null references public.users (id) on delete cascade,
  purpose text not null check (purpose in ('verify_email', 'login', 'reset')),
  secret_hash text not null,
  device_id text,                          -- a login code is bound to the attempt's device
  attempts int not null default 0,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index codes_user_purpose on auth.codes (user_id, purpose);
create unique index codes_reset_secret on auth.codes (secret_hash) where purpose = 'reset';

create table auth.oauth_identities (
  provider text not null check (provider in ('google', 'apple')),
  subject text not null,
  user_id text not null references public.users (id) on delete cascade,
  email text,
  created_at timestamptz not null default now(),
  primary key (provider, subject)
);

create table auth.oauth_flows (
  state text primary key,
  provider text not null,
  code_verifier text not null,
  nonce text not null,
  device_id text not null,
  expires_at timestamptz not null
);

do $$
declare
  t text;
begin
  foreach t in array array['accounts', 'signing_keys', 'sessions', 'refresh_tokens', 'codes', 'oauth_identities', 'oauth_flows'] loop
    execute format('alter table auth.%I enable row level security', t);
    execute format('alter table auth.%I force row level security', t);
    execute format('create policy %I on auth.%I to lingudesk_auth using (true) with check (true)', t || '_auth', t);
  end loop;
end $$;

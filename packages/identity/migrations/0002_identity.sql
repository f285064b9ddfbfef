-- Identity (packages/identity): users, sessions with rotating refresh tokens, API keys, TOTP
-- factors and recovery codes, OIDC sign-in states and linked provider identities.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- One row per account. Emails are stored normalised (trimmed, NFKC, lower case), so the unique
-- key is the mailbox. password_hash is an argon2id PHC string, null for OIDC-only accounts.
create table users (
  id uuid primary key,
  email text not null unique,
  display_name text,
  password_hash text,
  role text not null check (role in ('admin', 'user')),
  tier text not null check (tier in ('free', 'premium', 'enterprise')),
  status text not null check (status in ('active', 'disabled')),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index users_active_admins on users (id) where role = 'admin' and status = 'active';

-- A sign-in session: one family of rotating refresh tokens. Revoking it ends every token in it.
create table auth_sessions (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoke_reason text
);
create index auth_sessions_live_by_user on auth_sessions (user_id) where revoked_at is null;

-- Refresh tokens, stored as SHA-256 hex. used_at is set when a token is exchanged; seeing a used
-- token again is reuse and revokes its session.
create table refresh_tokens (
  id uuid primary key,
  session_id uuid not null references auth_sessions (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index refresh_tokens_by_session on refresh_tokens (session_id);

-- API keys: the public prefix finds the row, the SHA-256 of the whole key proves it.
create table api_keys (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  prefix text not null unique,
  key_hash text not null,
  scopes text[] not null,
  created_at timestamptz not null,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_by_user on api_keys (user_id);

-- TOTP factor per user; the secret is AES-256-GCM encrypted. Pending until enabled_at is set.
-- last_time_step refuses a code at or before the last accepted one (replay).
create table totp_factors (
  user_id uuid primary key references users (id) on delete cascade,
  secret_cipher text not null,
  created_at timestamptz not null,
  enabled_at timestamptz,
  last_time_step bigint
);

-- Single-use recovery codes, stored as SHA-256 hex.
create table recovery_codes (
  user_id uuid not null references users (id) on delete cascade,
  code_hash text not null,
  used_at timestamptz,
  primary key (user_id, code_hash)
);

-- OIDC sign-ins in flight: state, nonce and PKCE verifier, valid once until expires_at.
create table oidc_login_states (
  state text primary key,
  provider_id text not null,
  nonce text not null,
  code_verifier text not null,
  return_to text,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
create index oidc_login_states_by_expiry on oidc_login_states (expires_at);

-- Accounts at OIDC providers, keyed by issuer and subject (the only stable pair).
create table oidc_identities (
  issuer text not null,
  subject text not null,
  user_id uuid not null references users (id) on delete cascade,
  email text,
  created_at timestamptz not null,
  primary key (issuer, subject)
);
create index oidc_identities_by_user on oidc_identities (user_id);

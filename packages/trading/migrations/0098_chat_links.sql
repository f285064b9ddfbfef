-- Chat control (packages/trading/src/chat): a chat linked to an account — a Telegram chat id, the
-- user it acts for and the scopes it was granted at linking (portfolio:read and/or portfolio:write,
-- never more than the account had) — and the one-time codes that link one, stored as their SHA-256
-- only, until used or expired.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
create table chat_links (
  provider text not null check (provider in ('telegram')),
  chat_id text not null,
  user_id text not null,
  scopes jsonb not null,
  -- the chat's title or @username when linked, to tell links apart in the dashboard
  label text not null,
  created_at_ms bigint not null,
  primary key (provider, chat_id)
);
create index chat_links_user on chat_links (user_id);

create table chat_link_codes (
  code_sha256 text primary key,
  provider text not null check (provider in ('telegram')),
  user_id text not null,
  scopes jsonb not null,
  expires_at_ms bigint not null
);
create index chat_link_codes_user on chat_link_codes (user_id);

-- Chat control's record of the bot updates already taken (packages/trading/src/chat): each
-- Telegram update_id is acted on once however many API processes it reaches — Telegram re-sends an
-- update it got no answer to, and behind a load balancer the resend may land on another process.
-- Taken by one insert … on conflict do nothing; rows older than two days are deleted (Telegram
-- re-sends for at most a day). Keyed by the bot (the numeric id before the token's colon): a new
-- bot's ids start afresh.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
create table chat_updates (
  provider text not null check (provider in ('telegram')),
  bot_id text not null,
  update_id bigint not null,
  taken_at_ms bigint not null,
  primary key (provider, bot_id, update_id)
);
create index chat_updates_taken on chat_updates (taken_at_ms);

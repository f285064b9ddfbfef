-- Kline CSV uploads (packages/strategy/src/history): history sent through the API in chunks while
-- the server runs. `rows` is the count of CSV lines applied so far — the offset the next chunk
-- must start at, so a client that lost a connection asks for it and resumes; a chunk sent twice
-- writes the same candles again (the candle upsert is idempotent).
create table candle_uploads (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  symbol text not null,
  interval text not null,
  exchange text not null,
  name text,
  total_bytes bigint,
  received_bytes bigint not null default 0,
  rows bigint not null default 0,
  candles bigint not null default 0,
  first_open bigint,
  last_open bigint,
  status text not null check (status in ('receiving', 'complete')),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index candle_uploads_by_user on candle_uploads (user_id, created_at desc);

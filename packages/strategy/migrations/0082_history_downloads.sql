-- History downloads (packages/strategy/src/history/history-downloads.ts): a user's request for a
-- venue's klines over a range. The candles themselves are shared (market_history_coverage and
-- market_candle_history); a row here is the request, its progress in UTC days, and what it cost:
-- `venue_days` (days fetched from the venue) is what the per-tier daily quota counts, so days
-- another download already fetched cost nothing. A row still `running` when the process stopped is
-- resumed at its next start; covered days are skipped, so it continues where it stopped.
create table history_downloads (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  exchange text not null,
  symbol text not null,
  interval text not null,
  from_ms bigint not null,
  to_ms bigint not null,
  status text not null check (status in ('running', 'complete', 'failed')),
  days_total integer not null,
  days_done integer not null default 0,
  venue_days integer not null default 0,
  venue_calls integer not null default 0,
  candles bigint not null default 0,
  error_code text,
  error_message text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index history_downloads_by_user on history_downloads (user_id, created_at desc);
create index history_downloads_running on history_downloads (status) where status = 'running';

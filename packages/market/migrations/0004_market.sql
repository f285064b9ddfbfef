-- Market data (packages/market/src/storage): trades and candles projected from market.* events,
-- partitioned by time; the symbols seen; rejected raw messages; scheduled job runs.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- Trades, one row per venue trade. The key includes the partition key (PostgreSQL requires it)
-- and is the venue's identity of a trade, so a replayed or re-sent trade is skipped. Daily range
-- partitions are created ahead and dropped by retention (storage/partitions.ts); the default
-- partition takes a time no partition covers, so an insert never fails for lack of one.
create table market_trades (
  exchange text not null,
  symbol text not null,
  trade_id text not null,
  exchange_time timestamptz not null,
  price double precision not null,
  size double precision not null,
  side text not null check (side in ('buy', 'sell', 'unknown')),
  received_at timestamptz not null,
  seq bigint,
  primary key (exchange, symbol, trade_id, exchange_time)
) partition by range (exchange_time);
create table market_trades_default partition of market_trades default;
create index market_trades_symbol_time on market_trades (symbol, exchange_time);

-- Candles, one row per exchange, symbol, interval and open time: a forming candle is overwritten
-- by its later updates, its close and its corrections (revision), never by an older state.
-- Monthly range partitions on open_time.
create table market_candles (
  exchange text not null,
  symbol text not null,
  interval text not null check (interval in ('1s', '1m', '5m', '15m', '1h', '1d')),
  open_time timestamptz not null,
  close_time timestamptz not null,
  open double precision not null,
  high double precision not null,
  low double precision not null,
  close double precision not null,
  volume double precision not null,
  quote_volume double precision not null,
  trades integer not null,
  incomplete boolean not null,
  closed boolean not null,
  revision integer not null,
  updated_at timestamptz not null default now(),
  primary key (exchange, symbol, interval, open_time)
) partition by range (open_time);
create table market_candles_default partition of market_candles default;
create index market_candles_symbol_interval_time on market_candles (symbol, interval, open_time);

-- Every market seen, kept by the trade and candle projections, so listing markets never scans
-- the trades.
create table market_symbols (
  exchange text not null,
  symbol text not null,
  first_seen_at timestamptz not null,
  last_trade_at timestamptz,
  last_price double precision,
  last_candle_at timestamptz,
  primary key (exchange, symbol)
);

-- Raw messages the collector rejected, with the reason (normalize RejectReason or a decode
-- failure), for inspection. payload is the raw message as JSON (a frame that was not JSON is
-- stored as a JSON string).
create table market_quarantine (
  id bigint generated always as identity primary key,
  received_at timestamptz not null,
  source text not null,
  exchange text,
  symbol text,
  reason text not null,
  detail text,
  payload jsonb
);
create index market_quarantine_received on market_quarantine (received_at);
create index market_quarantine_reason_received on market_quarantine (reason, received_at);

-- Runs of scheduled market jobs (partition maintenance, backfills).
create table market_job_runs (
  id bigint generated always as identity primary key,
  job text not null,
  started_at timestamptz not null,
  finished_at timestamptz,
  status text not null check (status in ('running', 'succeeded', 'failed', 'cancelled')),
  error text,
  details jsonb
);
create index market_job_runs_job_started on market_job_runs (job, started_at);

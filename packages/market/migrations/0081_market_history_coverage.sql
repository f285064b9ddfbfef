-- Which UTC days of a venue's public klines are held (packages/market/src/history/coverage.ts): a
-- history download fetches a day's closed 1m candles once, stores them rolled up to every interval
-- in market_candle_history, and records the day here in the same transaction. Public market data
-- is everyone's: a later download of a covered day, by any user, calls no venue and costs no quota.
-- Only whole closed days are recorded, so today's partial day is fetched again next time.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
create table market_history_coverage (
  exchange text not null,
  symbol text not null,
  day_start bigint not null,
  candles integer not null,
  fetched_at timestamptz not null,
  primary key (exchange, symbol, day_start)
);

-- The archive tier (packages/market/src/archive): recorded candles (market_candles) of a month
-- older than market.archive.afterDays are written to one Parquet file per exchange, symbol,
-- interval and month, verified by reading the file back, recorded here, and only then deleted from
-- market_candles, in one transaction. Candle reads (storage/queries.ts) look here for the range
-- they ask and read the files back, merged with what SQL still holds (a row in SQL wins its key).
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
create table market_archive_files (
  exchange text not null,
  symbol text not null,
  interval text not null,
  -- The month archived: open times in [range_from, range_to).
  range_from timestamptz not null,
  range_to timestamptz not null,
  first_open timestamptz not null,
  last_open timestamptz not null,
  -- Absolute path of the file: every process reading candles must see the same path.
  file text not null,
  rows integer not null,
  -- The rows' size in SQL before (pg_column_size of each row; indexes not counted) and the file's.
  sql_bytes bigint not null,
  file_bytes bigint not null,
  -- sha256 of the file's bytes (checked on every read) and of its rows' values (checked on write).
  file_sha256 text not null,
  rows_sha256 text not null,
  archived_at timestamptz not null default now(),
  primary key (exchange, symbol, interval, range_from)
);
-- Reads name a symbol and interval, usually not the exchange.
create index market_archive_files_read on market_archive_files (symbol, interval, range_from);

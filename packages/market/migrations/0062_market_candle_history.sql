-- Imported candle history (packages/market/src/storage/candle-history.ts): the candles a user
-- imports — a kline CSV upload through the API or the dashboard, `tickline market import` or
-- `backfill` into the data directory — apart from the candles the collectors record.
-- Not partitioned, and partition maintenance never touches it: `market.retention.candlesMs` bounds
-- what the collectors keep adding, while history is imported on purpose, is mostly older than that
-- retention (a venue's 2020–2023 klines) and is kept until its upload is deleted. Reads merge the
-- two tables (storage/queries.ts); on the same key the recorded candle in `market_candles` wins.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- The columns, defaults and checks of `market_candles` (0004) as they are at this version, plus the
-- upload that wrote the row last (candle_uploads.id, owned by the strategy module, so no foreign
-- key across modules; null for an import straight into the data directory). LIKE copies no key.
create table market_candle_history (
  like market_candles including defaults including constraints,
  upload_id text,
  primary key (exchange, symbol, interval, open_time)
);
-- Reads name a symbol and interval, usually not the exchange (the key leads with it).
create index market_candle_history_symbol_interval_time on market_candle_history (symbol, interval, open_time);
-- Deleting an upload deletes its rows.
create index market_candle_history_upload on market_candle_history (upload_id) where upload_id is not null;

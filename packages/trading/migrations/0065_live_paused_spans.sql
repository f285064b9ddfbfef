-- The spans a live run was paused in since this enable, as a JSON array of
-- `{"after": …, "until": …}` close times (epoch ms): it decided no candle closing after `after`
-- (its last decided candle; null when it had decided none) up to `until` (where its resume decided
-- from). Its parity replay shows the strategy those candles and undoes what it placed on them, as
-- the paused run placed nothing (packages/trading/src/parity/parity-replay.ts). Appended by a
-- resume, cleared by an enable.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
alter table live_strategies add column paused_spans jsonb;

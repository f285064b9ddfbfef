-- The candles a live run warmed up on, per feed in the run's order: `{"from": …, "to": …}`, the
-- close times of the first and the last (no `from` when it warmed up on none, `warmupBars: 0`;
-- null for a feed without stored history then). The run decides every candle after `to` and none
-- before, and the parity report replays exactly that split
-- (packages/trading/src/parity/parity-replay.ts). Kept while the version is the same, as
-- enabled_at is.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
alter table live_strategies add column warmup jsonb;

-- A live run's counters as of its checkpoint: the candles it decided and the signals it gave. A
-- restarted or moved run starts counting from them, so the dashboard's Live card and the API keep
-- the run's totals across restarts instead of starting again at zero. Written with the checkpoint
-- (packages/trading/src/live/live-store.ts `checkpoint`); reset with it when a new version is
-- enabled.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
alter table live_strategies
  add column candles bigint not null default 0,
  add column signals bigint not null default 0;

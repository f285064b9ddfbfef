-- Live strategies (packages/strategy/src/live): the runs users enabled, the source every runner
-- process reads to know what to run, and each run's checkpoint — the close time of the last candle
-- it acted on, so a process taking a run over replays from there and places nothing twice (orders
-- are keyed by strategy, version and candle close time in broker_orders).
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

create table live_strategies (
  id text primary key,
  strategy_id text not null,
  version integer not null check (version > 0),
  user_id text not null,
  -- The owner's tier when enabled: its sandbox limits (memory, CPU per candle) apply.
  tier text not null,
  portfolio_id text not null,
  params jsonb not null,
  feeds jsonb not null,
  warmup_bars integer not null check (warmup_bars >= 0),
  state text not null check (state in ('running', 'paused')),
  pause_code text,
  pause_reason text,
  paused_at_ms bigint,
  -- Close time (epoch ms) of the last candle acted on; null before the first.
  checkpoint_ms bigint,
  enabled_at timestamptz not null,
  updated_at timestamptz not null
);
create index live_strategies_user on live_strategies (user_id);

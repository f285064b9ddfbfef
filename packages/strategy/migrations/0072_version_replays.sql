-- Replays of a stored version run for a caller waiting on the answer, outside the backtest queue
-- (a live run's parity report): each one counts against its owner's backtests per day, and while
-- it runs against their backtests at once, beside `backtest_runs` (run-queries.ts counts both).
-- A replay still running when the queue's process starts was interrupted: marked failed then.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
create table version_replays (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  strategy_id uuid not null,
  version integer not null,
  purpose text not null,
  status text not null check (status in ('running', 'succeeded', 'failed')),
  created_at timestamptz not null,
  finished_at timestamptz,
  foreign key (strategy_id, version) references strategy_versions (strategy_id, version) on delete cascade
);
create index version_replays_by_user on version_replays (user_id, created_at desc);
create index version_replays_running on version_replays (user_id) where status = 'running';

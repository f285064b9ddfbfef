-- Research jobs (packages/strategy/src/research-jobs): the look-ahead check, walk-forward and
-- parameter search, queued beside backtests. `request` holds everything a run needs besides the
-- code (feeds, range, spec, the tier's limits when queued); `report` the finished report with
-- its overfitting measures (the promotion gate reads it).
create table research_runs (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  strategy_id uuid not null,
  version integer not null,
  kind text not null check (kind in ('lookahead', 'walk-forward', 'search')),
  status text not null check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  request jsonb not null,
  progress real not null default 0,
  report jsonb,
  error_code text,
  error_message text,
  created_at timestamptz not null,
  started_at timestamptz,
  finished_at timestamptz,
  foreign key (strategy_id, version) references strategy_versions (strategy_id, version) on delete cascade
);
create index research_runs_by_user on research_runs (user_id, created_at desc);
create index research_runs_by_version on research_runs (strategy_id, version) where status = 'succeeded';

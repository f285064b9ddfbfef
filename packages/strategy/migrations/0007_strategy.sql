-- Strategies (packages/strategy): user strategies, their immutable versions (code encrypted at
-- rest with AES-256-GCM, the key id kept per row so rotated keys still open old versions), and
-- backtest runs with their results.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

create table strategies (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  description text not null default '',
  latest_version integer not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index strategies_by_user on strategies (user_id, created_at);

-- One row per save. The payload (source and compiled JavaScript) is encrypted; nonce is the
-- 12-byte GCM IV, ciphertext ends with the 16-byte tag, and the additional data binds it to
-- (strategy_id, version) so a row's code cannot be moved to another row.
create table strategy_versions (
  strategy_id uuid not null references strategies (id) on delete cascade,
  version integer not null check (version >= 1),
  language text not null check (language in ('typescript', 'javascript')),
  params jsonb not null,
  key_id text not null,
  nonce bytea not null,
  ciphertext bytea not null,
  source_sha256 text not null,
  size_bytes integer not null,
  created_at timestamptz not null,
  primary key (strategy_id, version)
);

-- Versions are immutable: a save is a new row, never an update.
create function strategy_versions_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'strategy versions are immutable';
end;
$$;
create trigger strategy_versions_no_update before update on strategy_versions
  for each row execute function strategy_versions_immutable();

create table backtest_runs (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  strategy_id uuid not null,
  version integer not null,
  status text not null check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  request jsonb not null,
  progress real not null default 0,
  error_code text,
  error_message text,
  created_at timestamptz not null,
  started_at timestamptz,
  finished_at timestamptz,
  foreign key (strategy_id, version) references strategy_versions (strategy_id, version) on delete cascade
);
create index backtest_runs_by_user on backtest_runs (user_id, created_at desc);
create index backtest_runs_active on backtest_runs (user_id) where status in ('queued', 'running');

-- The result of a succeeded run: metrics, trades, the equity curve (downsampled for charts), logs, plots.
create table backtest_results (
  run_id uuid primary key references backtest_runs (id) on delete cascade,
  metrics jsonb not null,
  trades jsonb not null,
  trades_truncated boolean not null,
  equity jsonb not null,
  logs jsonb not null,
  plots jsonb not null,
  bars integer not null
);

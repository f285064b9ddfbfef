-- Promotion-gate overrides (packages/strategy/src/research-jobs/promotion-gate-service.ts): an
-- admin lets one strategy version run live without a passing research report. Each row is the
-- audit record: who, when, why. Rows are never updated; a newer one adds to the history.
create table promotion_overrides (
  id uuid primary key,
  strategy_id uuid not null,
  version integer not null,
  admin_id uuid not null references users (id),
  reason text not null,
  created_at timestamptz not null,
  foreign key (strategy_id, version) references strategy_versions (strategy_id, version) on delete cascade
);
create index promotion_overrides_by_version on promotion_overrides (strategy_id, version, created_at desc);

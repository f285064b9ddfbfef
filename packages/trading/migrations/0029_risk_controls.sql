-- Durable risk controls (packages/strategy/src/risk/sql-risk-controls.ts): each portfolio's kill
-- switch (the owner's hand and an admin's, each with who, when and why) and its own risk limits,
-- read by the order check of every process, so a switch engaged through one process refuses
-- orders on all of them and survives a restart. Changed only through audited commands: every
-- engage, release and limit change appends a row to portfolio_risk_audit in the same transaction.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

create table portfolio_risk_controls (
  portfolio_id text primary key,
  -- {"by","at","reason"} of each hand; null when that hand is off.
  kill_user jsonb,
  kill_admin jsonb,
  -- The portfolio's own limits (RiskLimitsSchema); null = the configured defaults.
  limits jsonb,
  updated_at_ms bigint not null
);

create table portfolio_risk_audit (
  id bigserial primary key,
  portfolio_id text not null,
  -- kill_switch.engaged | kill_switch.released | risk_limits.changed
  action text not null,
  -- user | admin
  actor text not null,
  by_user text not null,
  reason text not null,
  detail jsonb,
  at_ms bigint not null
);
create index portfolio_risk_audit_by_portfolio on portfolio_risk_audit (portfolio_id, id);

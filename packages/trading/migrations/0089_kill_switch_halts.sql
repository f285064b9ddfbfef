-- Kill switch halts (packages/trading/src/halt): one row per portfolio an engagement covered — its
-- scope (portfolio, account, venue, everything), who engaged it, when (the stored engagement's time,
-- epoch ms, exact), whether it flattened and the closing orders it sent. The halt proof is built
-- from this row and the order journal (broker_orders) on every read.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
create table kill_switch_halts (
  halt_id text not null,
  portfolio_id text not null,
  scope text not null check (scope in ('portfolio', 'account', 'venue', 'everything')),
  -- the account or venue of an account or venue scope
  target text,
  actor text not null check (actor in ('user', 'admin')),
  by_user text not null,
  reason text not null,
  engaged_at_ms bigint not null,
  flatten boolean not null,
  -- the closing market orders sent: [{symbol, side, quantity, clientOrderId}]
  closes jsonb not null,
  primary key (halt_id, portfolio_id)
);
create index kill_switch_halts_portfolio on kill_switch_halts (portfolio_id, engaged_at_ms desc);

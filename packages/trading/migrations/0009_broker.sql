-- Broker (packages/strategy/src/broker): the order desk's journal of order snapshots, and venue
-- API credentials sealed with the kernel secret box. The portfolio tables of issue 11 (cash,
-- positions, equity history) join this version before it is released.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- The last known snapshot of each order, by (portfolio, client order id): the idempotency key.
-- snapshot is the broker port's Order as JSON; status and venue are copied out for the indexes.
create table broker_orders (
  portfolio_id text not null,
  client_order_id text not null,
  venue text not null,
  symbol text not null,
  status text not null check (status in ('new', 'partially_filled', 'filled', 'cancelled', 'rejected')),
  snapshot jsonb not null,
  updated_at timestamptz not null,
  primary key (portfolio_id, client_order_id)
);
-- What the desk polls at venues that do not push: orders still working.
create index broker_orders_working on broker_orders (portfolio_id) where status in ('new', 'partially_filled');

-- One venue account per portfolio and venue. api_key and api_secret are sealed values
-- (v1.<keyId>.<iv>.<data>.<tag>), never plain text; api_key_hint is the key's last four characters.
create table broker_credentials (
  portfolio_id text not null,
  venue text not null,
  api_key_hint text not null,
  api_key text not null check (api_key like 'v1.%'),
  api_secret text not null check (api_secret like 'v1.%'),
  updated_at timestamptz not null,
  primary key (portfolio_id, venue)
);

-- Portfolios (packages/strategy/src/portfolio): the read model of the portfolio books, projected
-- from account.snapshot.generated (the opening state), order.filled (the core ledger applied to
-- each execution) and market.candle.closed (marks). Amounts are double precision on purpose: they
-- are the core ledger's own numbers, and equal a replay of the events bit for bit.
create table portfolios (
  portfolio_id text primary key,
  currency text not null,
  opening_cash double precision not null,
  cash double precision not null,
  equity double precision not null,
  day_start_equity double precision not null,
  -- UTC day number (epoch ms / 86,400,000) day_start_equity belongs to; null before any change.
  day integer,
  fills integer not null default 0,
  opened_at timestamptz not null,
  updated_at timestamptz not null
);

-- One row per symbol a portfolio has held: signed quantity (> 0 long), average price of the open
-- quantity, the last price seen, and P&L (realized before fees, fees apart, unrealized at the mark).
create table portfolio_positions (
  portfolio_id text not null references portfolios (portfolio_id) on delete cascade,
  symbol text not null,
  quantity double precision not null,
  average_price double precision not null,
  mark_price double precision not null,
  realized_pnl double precision not null,
  unrealized_pnl double precision not null,
  fees double precision not null,
  updated_at timestamptz not null,
  primary key (portfolio_id, symbol)
);
create index portfolio_positions_symbol on portfolio_positions (symbol) where quantity <> 0;

-- Equity after each change (a fill, or a candle that moved a held symbol's mark).
create table portfolio_equity (
  portfolio_id text not null references portfolios (portfolio_id) on delete cascade,
  at_ms bigint not null,
  equity double precision not null,
  cash double precision not null,
  primary key (portfolio_id, at_ms)
);

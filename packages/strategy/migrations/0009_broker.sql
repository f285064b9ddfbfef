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

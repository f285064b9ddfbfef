-- Accounts (packages/server/src/accounts): each account's initial paper-portfolio snapshot, made
-- asynchronously by the account-snapshots consumer from account.created, and the outbox of the
-- account.snapshot.generated event it publishes.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- One row per account (the user id). No foreign key to users: a projection owns its table and
-- may live apart from identity's. cash is exact (numeric); positions is a JSON array of
-- { symbol, quantity, averagePrice } with decimal strings, empty at first.
create table account_snapshots (
  account_id uuid primary key,
  tier text not null check (tier in ('free', 'premium', 'enterprise')),
  currency text not null,
  cash numeric(20, 2) not null check (cash >= 0),
  positions jsonb not null,
  generated_at timestamptz not null,
  -- The account.created event the snapshot was made from.
  source_event_id text not null,
  -- The account.snapshot.generated envelope, written in the same transaction as the snapshot;
  -- published_at is set once the event log acknowledged it. A start re-sends rows still null
  -- (same event id: the log and the consumers drop the repeat).
  event jsonb not null,
  published_at timestamptz
);
create index account_snapshots_unpublished on account_snapshots (generated_at) where published_at is null;

-- The venue each portfolio trades at (packages/trading/src/venues): paper unless its owner bound it
-- to a live venue with an API key whose permissions were checked at bind time. A portfolio without
-- a row trades on paper. The key itself is in broker_credentials (sealed, 0009); this row says which
-- venue is in force, what the venue reported of the key when it was bound, and who bound it.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
create table portfolio_venues (
  portfolio_id text primary key references portfolios (portfolio_id) on delete cascade,
  venue text not null check (venue in ('binance-spot')),
  -- The key's permissions as the venue reported them at bind time (spot trading, reading).
  permissions jsonb not null,
  bound_by uuid not null,
  bound_at timestamptz not null
);

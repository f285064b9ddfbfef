-- Reconciliation reports (packages/trading/src/reconcile): each comparison of a portfolio's books
-- with its venue's report (working orders, balances) on start, after a venue reconnect, after a gap
-- in the venue's user stream, or on request; what differed and the event that corrected it.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
create table portfolio_reconciliations (
  reconciliation_id text primary key,
  portfolio_id text not null references portfolios (portfolio_id) on delete cascade,
  venue text not null,
  trigger text not null,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  -- true once every difference was corrected; false when the venue could not be read (error set)
  agreed boolean not null,
  differences jsonb not null,
  -- the venue's report as read: working orders and balances
  venue_report jsonb not null,
  error text
);
create index portfolio_reconciliations_latest on portfolio_reconciliations (portfolio_id, finished_at desc);

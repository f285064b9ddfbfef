-- The order desk's outbox (packages/trading/src/broker/sql/order-event-outbox.ts): each lifecycle
-- event of an order (placed, filled, cancelled, rejected) is written here in the same statement as
-- the order's snapshot in broker_orders. A process killed between the two used to leave a fill in
-- the journal that the log never got — the portfolio books, projected from the log, missed it for
-- good. A start re-sends every row not yet published (same event id: consumers deduplicate).
-- Rows go once the log has them, except fills: a fill stays, published, until the portfolio
-- projection has booked it (or an hour on), because a process that starts opens its books from the
-- portfolio tables plus the fills here the projection has not booked — published or not.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
create table broker_order_events (
  -- The envelope's id (UUIDv7: sorts by creation), so rows re-send in the order they were made.
  event_id uuid primary key,
  portfolio_id text not null,
  type text not null,
  envelope jsonb not null,
  -- Set once the event log acknowledged the event (fills only: other rows are deleted then).
  published_at timestamptz
);
create index broker_order_events_published on broker_order_events (published_at) where published_at is not null;

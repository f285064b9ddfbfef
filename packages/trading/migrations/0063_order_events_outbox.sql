-- The order desk's outbox (packages/trading/src/broker/sql/order-event-outbox.ts): each lifecycle
-- event of an order (placed, filled, cancelled, rejected) is written here in the same statement as
-- the order's snapshot in broker_orders, and deleted once the event log acknowledged it. A process
-- killed between the two used to leave a fill in the journal that the log never got — the
-- portfolio books, projected from the log, missed it for good. A start re-sends every row left
-- (same event id: consumers deduplicate), and opens its books with the fills the portfolio
-- projection has not claimed yet.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
create table broker_order_events (
  -- The envelope's id (UUIDv7: sorts by creation), so rows re-send in the order they were made.
  event_id uuid primary key,
  portfolio_id text not null,
  envelope jsonb not null
);

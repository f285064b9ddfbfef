-- Durable paper orders (packages/strategy/src/live/order-adoption.ts): which runner process holds
-- each order. The paper venue keeps resting orders in its process's memory; when that process
-- dies, another one reads the orders it held from this table, takes them over (a compare-and-set
-- on holder, so only one does) and fills them on the candles it sees from then on. A claim (the
-- placeholder written before the venue saw the order) left by a dead holder is sent to the venue
-- by the one that takes it over. Null: an order journalled before this column, or by a venue that
-- holds its own orders (Binance) — a paper runner may take those.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

alter table broker_orders add column holder text;
create index broker_orders_held on broker_orders (venue, holder) where status in ('new', 'partially_filled');

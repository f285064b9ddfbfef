-- Orders per minute shared through PostgreSQL (packages/strategy/src/risk/sql-order-rate-limiter.ts):
-- the scaled topology's count when no Redis is configured. One row per portfolio holding the epoch
-- milliseconds of its orders in the last window; `insert … on conflict do update … where` drops
-- what left the window, counts and appends in one statement, on the row's newest version, so two
-- processes placing at once cannot both take the last slot. At most `limit` times per row.
create table order_rate_windows (
  portfolio_id text primary key,
  times bigint[] not null
);

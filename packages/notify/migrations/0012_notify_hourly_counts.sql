-- Per-user count of non-critical notifications per clock hour (UTC), the rate limit's counter.
-- The enqueue consumer adds to it in the transaction that inserts the notifications, so reading
-- it is one row per user instead of counting the hour's notifications on every batch (a cost
-- that grew with the volume: 100,000 notifications an hour meant 100,000 rows read per batch).
create table notify_hourly_counts (
  user_id uuid not null,
  hour timestamptz not null,
  n integer not null,
  primary key (user_id, hour)
);

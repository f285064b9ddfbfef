-- Event infrastructure shared by every idempotent consumer (packages/store/src/projection).
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- Event ids a consumer has processed, written in the same transaction as the consumer's own
-- writes, so a redelivered or replayed event is recognised and skipped.
create table processed_events (
  consumer text not null,
  event_id text not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);

-- How far each consumer got: the highest log offset it committed (0 when the runner gave none),
-- and the id of the last event it projected.
create table consumer_checkpoints (
  consumer text primary key,
  position bigint not null default 0,
  last_event_id text,
  updated_at timestamptz not null default now()
);

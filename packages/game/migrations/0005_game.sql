-- Game (packages/game/src/snapshots): cold snapshots of zones, written every minute (and by
-- admin operations) so a zone can recover when the hot store (memory or Redis) lost its state.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- One row per snapshot. bytes is the zone state as MessagePack (format in zone/snapshot.ts).
-- log_position: every event of the zone with a seq above event_seq sits at a log offset above it,
-- so recovery replays from log_position + 1 and skips seqs the snapshot already holds.
create table game_snapshots (
  snapshot_id uuid primary key,
  zone_id text not null,
  kind text not null check (kind in ('hot', 'cold', 'manual')),
  tick bigint not null check (tick >= 0),
  log_position bigint not null check (log_position >= 0),
  event_seq bigint not null check (event_seq >= 0),
  players integer not null check (players >= 0),
  taken_at timestamptz not null,
  bytes bytea not null
);
-- "Latest" and listing are per zone, newest first; the id breaks ties within a millisecond.
create index game_snapshots_zone_time on game_snapshots (zone_id, taken_at desc, snapshot_id desc);

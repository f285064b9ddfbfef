-- Platform (packages/platform): game events projected into operational tables, and the audit of
-- operations. Every table is keyed by the consumer group (`platform.consumerGroup`, the tenant):
-- several platforms consume the same events independently into one database.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.

-- One row per player the group has seen: the profile (from account.created), and the latest
-- state from game.player.* events. state_at/state_seq are the event time and the zone's seq of the
-- event the state came from: an older event (redelivered or retried out of order) never
-- overwrites a newer state. Every value derives from events, so a replay rebuilds the same row.
create table platform_players (
  consumer_group text not null,
  player_id text not null,
  profile jsonb,
  online boolean not null default false,
  zone_id text,
  x double precision,
  y double precision,
  first_seen_at timestamptz,
  last_seen_at timestamptz,
  state_at timestamptz,
  state_seq bigint,
  state_event_id text,
  primary key (consumer_group, player_id)
);
create index platform_players_online on platform_players (consumer_group, zone_id) where online;
create index platform_players_email on platform_players (consumer_group, (lower(profile->>'email')));

-- A player's stay in a zone, from game.player.joined to game.player.left. session_id is the
-- joined event's id; a left that arrives before its join is kept as a row without joined_at
-- (session_id 'left:' + its event id) until the join adopts it.
create table platform_sessions (
  consumer_group text not null,
  session_id text not null,
  player_id text not null,
  zone_id text not null,
  joined_at timestamptz,
  joined_seq bigint,
  left_at timestamptz,
  left_seq bigint,
  left_reason text,
  primary key (consumer_group, session_id)
);
create index platform_sessions_player on platform_sessions (consumer_group, player_id, zone_id, joined_at);

-- Every joined/moved/left position, one row per event, range-partitioned by day on the event
-- time. Partitions are created ahead and dropped past the retention by the platform's partition
-- maintenance; the default partition takes times no partition covers.
create table platform_movements (
  consumer_group text not null,
  at timestamptz not null,
  event_id text not null,
  player_id text not null,
  zone_id text not null,
  kind text not null check (kind in ('joined', 'moved', 'left')),
  x double precision not null,
  y double precision not null,
  tick bigint not null,
  seq bigint not null,
  primary key (consumer_group, at, event_id)
) partition by range (at);
create table platform_movements_default partition of platform_movements default;
create index platform_movements_player_at on platform_movements (consumer_group, player_id, at);

-- What operators did through the operations API: who, what, on what, when, and how it ended.
create table platform_audit (
  id bigint generated always as identity primary key,
  consumer_group text not null,
  at timestamptz not null,
  actor_id text not null,
  actor_kind text not null,
  action text not null,
  target text,
  outcome text not null check (outcome in ('ok', 'failed')),
  details jsonb not null default '{}'
);
create index platform_audit_group_at on platform_audit (consumer_group, at);

-- Dead letters an operator handled (the dead-letter log is append-only): the last action on each.
create table platform_dead_letter_actions (
  consumer_group text not null,
  dead_letter_log text not null,
  dead_letter_offset bigint not null,
  action text not null check (action in ('retried', 'discarded')),
  actor_id text not null,
  at timestamptz not null,
  primary key (consumer_group, dead_letter_log, dead_letter_offset)
);

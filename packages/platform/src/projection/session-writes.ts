/**
 * @module Writes of `platform_sessions`: a join opens a session, a leave closes the latest session
 * of that player and zone that started at or before it. A leave delivered before its join (a
 * retried dead letter, a replay out of order) is kept apart and adopted when the join arrives.
 * Statements per batch: one for the joins, one per "round" of leaves (a player leaving one zone
 * n times in the batch makes n rounds), and only when orphan leaves exist, one per join.
 */
import { insertRows, type SqlTx } from '@tickline/store';
import { MovementKind, type PositionFact } from './game-facts.ts';

// The earliest orphan leave at or after a join of this batch closes that session and goes away.
const ADOPT = `with orphan as (
  select session_id, left_at, left_seq, left_reason from platform_sessions
  where consumer_group = $1 and player_id = $3 and zone_id = $4 and joined_at is null and left_at >= $5
  order by left_at, left_seq limit 1
), closed as (
  update platform_sessions s set left_at = o.left_at, left_seq = o.left_seq, left_reason = o.left_reason
  from orphan o where s.consumer_group = $1 and s.session_id = $2 and s.left_at is null
  returning o.session_id
)
delete from platform_sessions where consumer_group = $1 and session_id in (select session_id from closed)`;

const HAS_ORPHANS =
  'select exists (select 1 from platform_sessions where consumer_group = $1 and joined_at is null) as found';

// Many leaves at once, no two of one player and zone (so no two target one session). The same
// leave again (a replay without claims) matches its own session and changes nothing.
const CLOSE_MANY = `with l as (
  select * from unnest($2::text[], $3::text[], $4::timestamptz[], $5::int8[], $6::text[], $7::text[])
    as l(player_id, zone_id, left_at, left_seq, left_reason, event_id)
), target as (
  select l.*, (
    select s.session_id from platform_sessions s
    where s.consumer_group = $1 and s.player_id = l.player_id and s.zone_id = l.zone_id
      and s.joined_at is not null and s.joined_at <= l.left_at
    order by s.joined_at desc, s.joined_seq desc limit 1
  ) as session_id
  from l
)
update platform_sessions s set left_at = t.left_at, left_seq = t.left_seq, left_reason = t.left_reason
from target t where s.consumer_group = $1 and s.session_id = t.session_id
  and (s.left_at is null or (s.left_at = t.left_at and s.left_seq = t.left_seq))
returning t.event_id`;

async function openSessions(tx: SqlTx, consumerGroup: string, joins: readonly PositionFact[]): Promise<void> {
  await insertRows(tx, {
    table: 'platform_sessions',
    columns: {
      consumer_group: 'text',
      session_id: 'text',
      player_id: 'text',
      zone_id: 'text',
      joined_at: 'timestamptz',
      joined_seq: 'int8',
    },
    rows: joins.map((f) => ({
      consumer_group: consumerGroup,
      session_id: f.eventId,
      player_id: f.playerId,
      zone_id: f.zoneId,
      joined_at: new Date(f.at),
      joined_seq: f.seq,
    })),
  });
  const orphans = await tx.query<{ found: boolean }>(HAS_ORPHANS, [consumerGroup]);
  if (!orphans.rows[0]?.found) return;
  for (const f of joins) {
    await tx.query(ADOPT, [consumerGroup, f.eventId, f.playerId, f.zoneId, new Date(f.at)]);
  }
}

/** Closes one round of leaves; a leave that closes nothing is kept as an orphan for its join. */
async function closeSessions(
  tx: SqlTx,
  consumerGroup: string,
  leaves: readonly PositionFact[],
): Promise<void> {
  const { rows } = await tx.query<{ event_id: string }>(CLOSE_MANY, [
    consumerGroup,
    leaves.map((f) => f.playerId),
    leaves.map((f) => f.zoneId),
    leaves.map((f) => new Date(f.at)),
    leaves.map((f) => f.seq),
    leaves.map((f) => f.reason ?? ''),
    leaves.map((f) => f.eventId),
  ]);
  const closed = new Set(rows.map((r) => r.event_id));
  await insertRows(tx, {
    table: 'platform_sessions',
    columns: {
      consumer_group: 'text',
      session_id: 'text',
      player_id: 'text',
      zone_id: 'text',
      left_at: 'timestamptz',
      left_seq: 'int8',
      left_reason: 'text',
    },
    rows: leaves
      .filter((f) => !closed.has(f.eventId))
      .map((f) => ({
        consumer_group: consumerGroup,
        session_id: `left:${f.eventId}`,
        player_id: f.playerId,
        zone_id: f.zoneId,
        left_at: new Date(f.at),
        left_seq: f.seq,
        left_reason: f.reason ?? '',
      })),
  });
}

/**
 * Opens the batch's sessions, then closes sessions with its leaves. Opening every join first is
 * safe: a leave only matches a join that started at or before it.
 */
export async function writeSessions(
  tx: SqlTx,
  consumerGroup: string,
  facts: readonly PositionFact[],
): Promise<void> {
  const joins = facts.filter((f) => f.kind === MovementKind.Joined);
  if (joins.length > 0) await openSessions(tx, consumerGroup, joins);
  // Leaves of different players or zones touch different sessions: the n-th leave of every
  // player and zone go in one statement, the rounds in batch order.
  const rounds: PositionFact[][] = [];
  const seen = new Map<string, number>();
  for (const leave of facts) {
    if (leave.kind !== MovementKind.Left) continue;
    const key = `${leave.playerId}\u0000${leave.zoneId}`;
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push(leave);
  }
  for (const round of rounds) await closeSessions(tx, consumerGroup, round);
}

/**
 * @module Writes of `platform_sessions`: a join opens a session, a leave closes the latest session
 * of that player and zone that started before it. A leave delivered before its join (a retried
 * dead letter, a replay out of order) is kept apart and adopted when the join arrives.
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

const CLOSE = `with target as (
  select session_id from platform_sessions
  where consumer_group = $1 and player_id = $2 and zone_id = $3 and joined_at is not null and joined_at <= $4
  order by joined_at desc, joined_seq desc limit 1
)
update platform_sessions s set left_at = $4, left_seq = $5, left_reason = $6
from target t where s.consumer_group = $1 and s.session_id = t.session_id
  -- the same leave again (a replay without claims) matches its own session and changes nothing
  and (s.left_at is null or (s.left_at = $4 and s.left_seq = $5))`;

const ORPHAN = `insert into platform_sessions (consumer_group, session_id, player_id, zone_id, left_at, left_seq, left_reason)
values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`;

/**
 * Opens the batch's sessions (one insert), lets them adopt leaves that arrived before them (only
 * when such leaves exist: they are rare), then closes sessions with the batch's leaves in order.
 * Inserting every join first is safe: a leave only matches a join that started at or before it.
 */
export async function writeSessions(
  tx: SqlTx,
  consumerGroup: string,
  facts: readonly PositionFact[],
): Promise<void> {
  const joins = facts.filter((f) => f.kind === MovementKind.Joined);
  if (joins.length > 0) {
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
    if (orphans.rows[0]?.found) {
      for (const f of joins) {
        await tx.query(ADOPT, [consumerGroup, f.eventId, f.playerId, f.zoneId, new Date(f.at)]);
      }
    }
  }
  for (const fact of facts) {
    if (fact.kind !== MovementKind.Left) continue;
    const at = new Date(fact.at);
    const reason = fact.reason ?? '';
    const closed = await tx.query(CLOSE, [consumerGroup, fact.playerId, fact.zoneId, at, fact.seq, reason]);
    if (closed.rowCount === 0) {
      await tx.query(ORPHAN, [
        consumerGroup,
        `left:${fact.eventId}`,
        fact.playerId,
        fact.zoneId,
        at,
        fact.seq,
        reason,
      ]);
    }
  }
}

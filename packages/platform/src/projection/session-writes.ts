/**
 * @module Writes of `platform_sessions`: a join opens a session, a leave closes the latest session
 * of that player and zone that started before it. A leave delivered before its join (a retried
 * dead letter, a replay out of order) is kept apart and adopted when the join arrives.
 */
import type { SqlTx } from '@tickline/store';
import { MovementKind, type PositionFact } from './game-facts.ts';

const OPEN = `insert into platform_sessions (consumer_group, session_id, player_id, zone_id, joined_at, joined_seq)
values ($1, $2, $3, $4, $5, $6) on conflict do nothing`;

// The earliest orphan leave at or after the join closes the new session and goes away.
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

/** Opens and closes the sessions of a batch's joins and leaves, in batch order. */
export async function writeSessions(
  tx: SqlTx,
  consumerGroup: string,
  facts: readonly PositionFact[],
): Promise<void> {
  for (const fact of facts) {
    const at = new Date(fact.at);
    if (fact.kind === MovementKind.Joined) {
      const params = [consumerGroup, fact.eventId, fact.playerId, fact.zoneId, at, fact.seq];
      await tx.query(OPEN, params);
      await tx.query(ADOPT, params.slice(0, 5));
    } else if (fact.kind === MovementKind.Left) {
      const closed = await tx.query(CLOSE, [
        consumerGroup,
        fact.playerId,
        fact.zoneId,
        at,
        fact.seq,
        fact.reason ?? '',
      ]);
      if (closed.rowCount === 0) {
        await tx.query(ORPHAN, [
          consumerGroup,
          `left:${fact.eventId}`,
          fact.playerId,
          fact.zoneId,
          at,
          fact.seq,
          fact.reason ?? '',
        ]);
      }
    }
  }
}

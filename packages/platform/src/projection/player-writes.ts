/**
 * @module Writes of `platform_players`: the state from game events (never regressed by an older
 * event) and the profile from account.created. One statement per batch each.
 */
import { insertRows, type SqlTx } from '@tickline/store';
import { MovementKind, type PlayerStateWrite, type ProfileFact } from './game-facts.ts';

// A state column takes the new value only when the event it comes from is newer than the stored
// one: `(state_at, state_seq)` compared as a row, as isNewer() does.
const NEWER = '(p.state_at is null or (excluded.state_at, excluded.state_seq) > (p.state_at, p.state_seq))';
const stateColumns = ['online', 'zone_id', 'x', 'y', 'state_at', 'state_seq', 'state_event_id'];

const UPSERT_STATE = `insert into platform_players as p
  (consumer_group, player_id, online, zone_id, x, y, first_seen_at, last_seen_at, state_at, state_seq, state_event_id)
select $1, * from unnest($2::text[], $3::bool[], $4::text[], $5::float8[], $6::float8[],
  $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::int8[], $11::text[])
on conflict (consumer_group, player_id) do update set
  first_seen_at = least(p.first_seen_at, excluded.first_seen_at),
  last_seen_at = greatest(p.last_seen_at, excluded.last_seen_at),
  ${stateColumns.map((c) => `${c} = case when ${NEWER} then excluded.${c} else p.${c} end`).join(',\n  ')}`;

/** Applies one state write per player (see `playerStateWrites`). */
export async function upsertPlayerStates(
  tx: SqlTx,
  consumerGroup: string,
  writes: readonly PlayerStateWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  const column = <T>(pick: (w: PlayerStateWrite) => T): T[] => writes.map(pick);
  await tx.query(UPSERT_STATE, [
    consumerGroup,
    column((w) => w.latest.playerId),
    column((w) => w.latest.kind !== MovementKind.Left),
    column((w) => w.latest.zoneId),
    column((w) => w.latest.x),
    column((w) => w.latest.y),
    column((w) => new Date(w.firstSeenAt)),
    column((w) => new Date(w.lastSeenAt)),
    column((w) => new Date(w.latest.at)),
    column((w) => w.latest.seq),
    column((w) => w.latest.eventId),
  ]);
}

/** Sets the profiles; a player seen only through account.created gets a row without state. */
export async function upsertProfiles(
  tx: SqlTx,
  consumerGroup: string,
  facts: readonly ProfileFact[],
): Promise<void> {
  await insertRows(tx, {
    table: 'platform_players',
    columns: { consumer_group: 'text', player_id: 'text', profile: 'jsonb' },
    rows: facts.map((f) => ({ consumer_group: consumerGroup, player_id: f.playerId, profile: f.profile })),
    onConflict: { target: ['consumer_group', 'player_id'], update: ['profile'] },
  });
}

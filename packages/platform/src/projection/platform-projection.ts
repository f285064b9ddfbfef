/**
 * @module The platform's projection of game events (seed 004's platform server): players, sessions
 * and the movement history, written through `createSqlProjection` — the batch's effects, the
 * claim of its event ids and the checkpoint in one transaction — under the consumer group's
 * name. A redelivered batch changes nothing; a failing batch leaves nothing behind; two groups
 * project the same events into their own rows.
 */
import type { EventEnvelope } from '@tickline/kernel';
import { createSqlProjection, insertRows, type Sql, type SqlProjection, type SqlTx } from '@tickline/store';
import { checkConsumerGroup } from '../consumer-group.ts';
import {
  PLATFORM_EVENT_TYPES,
  playerStateWrites,
  positionFacts,
  profileFacts,
  type PositionFact,
} from './game-facts.ts';
import { upsertPlayerStates, upsertProfiles } from './player-writes.ts';
import { writeSessions } from './session-writes.ts';

/** Options for {@link createPlatformProjection}. */
export interface PlatformProjectionOptions {
  sql: Sql;
  /** The group: durable consumer name and the key of every row written. */
  consumerGroup: string;
}

async function insertMovements(tx: SqlTx, consumerGroup: string, facts: readonly PositionFact[]) {
  await insertRows(tx, {
    table: 'platform_movements',
    columns: {
      consumer_group: 'text',
      at: 'timestamptz',
      event_id: 'text',
      player_id: 'text',
      zone_id: 'text',
      kind: 'text',
      x: 'float8',
      y: 'float8',
      tick: 'int8',
      seq: 'int8',
    },
    rows: facts.map((f) => ({
      consumer_group: consumerGroup,
      at: new Date(f.at),
      event_id: f.eventId,
      player_id: f.playerId,
      zone_id: f.zoneId,
      kind: f.kind,
      x: f.x,
      y: f.y,
      tick: f.tick,
      seq: f.seq,
    })),
  });
}

/** Projects one batch (only events not projected before, as `createSqlProjection` hands them). */
export async function projectPlatformEvents(
  tx: SqlTx,
  consumerGroup: string,
  events: readonly EventEnvelope[],
): Promise<void> {
  const facts = positionFacts(events);
  const profiles = profileFacts(events);
  if (profiles.length > 0) await upsertProfiles(tx, consumerGroup, profiles);
  if (facts.length === 0) return;
  await upsertPlayerStates(tx, consumerGroup, playerStateWrites(facts));
  await writeSessions(tx, consumerGroup, facts);
  await insertMovements(tx, consumerGroup, facts);
}

/**
 * Creates the projection; its `handle` is the consumer runner's handler.
 * @throws PlatformError PLATFORM_INVALID_ARGUMENT on a malformed group name.
 * @example
 * const projection = createPlatformProjection({ sql, consumerGroup: 'tenant-a' });
 * createConsumerRunner({ log, name: projection.consumer, handle: projection.handle });
 */
export function createPlatformProjection(options: PlatformProjectionOptions): SqlProjection {
  const consumerGroup = checkConsumerGroup(options.consumerGroup);
  const projection = createSqlProjection({
    sql: options.sql,
    consumer: consumerGroup,
    project: (tx, events) => projectPlatformEvents(tx, consumerGroup, events),
  });
  // The log carries every domain's events (market trades by the thousand): only the ones projected
  // here are claimed in processed_events; a batch without any still moves the checkpoint.
  const apply: SqlProjection['apply'] = (events, context) =>
    projection.apply(
      events.filter((e) => PLATFORM_EVENT_TYPES.has(e.type)),
      context,
    );
  return {
    consumer: projection.consumer,
    apply,
    handle: async (events, context) => {
      await apply(events, context);
    },
    checkpoint: () => projection.checkpoint(),
  };
}

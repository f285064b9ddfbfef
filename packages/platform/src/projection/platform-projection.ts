/**
 * @module The platform's projection of game events (seed 004's platform server): players, sessions
 * and the movement history, written through `createSqlProjection` — the batch's effects, the
 * claim of its event ids (all but the moves, whose writes are idempotent by themselves) and the
 * checkpoint in one transaction — under the consumer group's name. A redelivered batch changes
 * nothing; a failing batch leaves nothing behind; two groups project the same events into their
 * own rows. The player's position is written once per player per batch; the movement history
 * keeps every move, a sample per interval, or none (`platform.movementHistory`).
 */
import type { EventEnvelope } from '@tickline/kernel';
import { createSqlProjection, insertRows, type Sql, type SqlProjection, type SqlTx } from '@tickline/store';
import { checkConsumerGroup } from '../consumer-group.ts';
import { PlayerMoved } from '@tickline/game';
import { DEFAULT_MOVEMENT_SAMPLE_MS, MovementHistory } from '../config.ts';
import { movementRows, type MovementHistoryOptions, type MovementRow } from './movement-rows.ts';
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
  /**
   * The checkpoint's and claims' owner, when one group projects several logs (a partitioned game
   * log: one consumer per partition, each with its own position). @default consumerGroup
   */
  consumer?: string;
  /** What the movement history keeps of the moves. @default every move */
  movements?: MovementHistoryOptions;
}

const EVERY_MOVE: MovementHistoryOptions = {
  keep: MovementHistory.Every,
  sampleMs: DEFAULT_MOVEMENT_SAMPLE_MS,
};

const MOVEMENT_COLUMNS = {
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
} as const;

// A sampled row takes a newer move of its interval (same zone, so seqs compare), never an older one.
const UPSERT_SAMPLES = `insert into platform_movements as m (${Object.keys(MOVEMENT_COLUMNS).join(', ')})
select * from unnest(${Object.values(MOVEMENT_COLUMNS)
  .map((type, i) => `$${i + 1}::${type}[]`)
  .join(', ')})
on conflict (consumer_group, at, event_id) do update set
  x = excluded.x, y = excluded.y, tick = excluded.tick, seq = excluded.seq
where excluded.seq > m.seq`;

function movementParams(consumerGroup: string, rows: readonly MovementRow[]) {
  return rows.map(({ at, eventId, fact }) => ({
    consumer_group: consumerGroup,
    at: new Date(at),
    event_id: eventId,
    player_id: fact.playerId,
    zone_id: fact.zoneId,
    kind: fact.kind,
    x: fact.x,
    y: fact.y,
    tick: fact.tick,
    seq: fact.seq,
  }));
}

async function writeMovements(
  tx: SqlTx,
  consumerGroup: string,
  facts: readonly PositionFact[],
  options: MovementHistoryOptions,
): Promise<void> {
  const { exact, sampled } = movementRows(facts, options);
  if (exact.length > 0)
    await insertRows(tx, {
      table: 'platform_movements',
      columns: MOVEMENT_COLUMNS,
      rows: movementParams(consumerGroup, exact),
    });
  if (sampled.length > 0) {
    const rows = movementParams(consumerGroup, sampled);
    await tx.query(
      UPSERT_SAMPLES,
      (Object.keys(MOVEMENT_COLUMNS) as (keyof (typeof rows)[number])[]).map((column) =>
        rows.map((r) => r[column]),
      ),
    );
  }
}

/** Projects one batch (only events not projected before, as `createSqlProjection` hands them). */
export async function projectPlatformEvents(
  tx: SqlTx,
  consumerGroup: string,
  events: readonly EventEnvelope[],
  movements: MovementHistoryOptions = EVERY_MOVE,
): Promise<void> {
  const facts = positionFacts(events);
  const profiles = profileFacts(events);
  if (profiles.length > 0) await upsertProfiles(tx, consumerGroup, profiles);
  if (facts.length === 0) return;
  // One row per player per batch, however many moves it holds.
  await upsertPlayerStates(tx, consumerGroup, playerStateWrites(facts));
  await writeSessions(tx, consumerGroup, facts);
  await writeMovements(tx, consumerGroup, facts, movements);
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
  const movements = options.movements ?? EVERY_MOVE;
  const projection = createSqlProjection({
    sql: options.sql,
    consumer: options.consumer ?? consumerGroup,
    project: (tx, events) => projectPlatformEvents(tx, consumerGroup, events, movements),
    // Moves are most of the events and their writes are idempotent and order-free by themselves
    // (newer-wins state, conflict-free history rows): claiming each id would add a row per move.
    claims: (event) => event.type !== PlayerMoved.type,
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

/**
 * @module The projection helper for event consumers: in ONE transaction it claims the batch's
 * event ids in `processed_events` (the ids it could not claim were processed before and are
 * dropped), hands the new events to `project`, and moves the consumer's checkpoint. Redelivery
 * and replay therefore change nothing, and two runners projecting the same events at once
 * project each event once (the second blocks on the first one's claim and then skips it).
 */
import type { EventEnvelope, Logger } from '@tickline/kernel';
import type { Sql, SqlTx } from '../port/sql.ts';

/** What the consumer runner may pass besides the events (extra fields are ignored). */
export interface ProjectionContext {
  logger?: Logger;
  /**
   * Log offset of the batch's last record. When given, the checkpoint's `position` moves up to it
   * (never down); without it only `last_event_id` records progress.
   */
  lastOffset?: number;
}

/** Options for {@link createSqlProjection}. */
export interface SqlProjectionOptions {
  sql: Sql;
  /** The consumer name: owner of the processed ids and the checkpoint (use the runner's `name`). */
  consumer: string;
  /**
   * Writes the effects of `events` (never empty, only ids not processed before, in batch order)
   * through `tx`. Throwing rolls the whole batch back, claims included.
   */
  project: (tx: SqlTx, events: EventEnvelope[]) => Promise<void>;
  /**
   * Which events to claim in `processed_events`: all (the default), none, or those the predicate
   * picks. Leave out only events whose effects make a replay change nothing by themselves — rows
   * keyed by the event id with `on conflict do nothing` — where the claim would be a second row
   * per event saying the same. Unclaimed events always reach `project` (an id repeated within the
   * batch once); the checkpoint is written either way.
   * @default true
   */
  claims?: boolean | ((event: EventEnvelope) => boolean);
}

/** What one {@link SqlProjection.apply} did. */
export interface ProjectionResult {
  projected: number;
  /** Events skipped because their id was processed before (or repeated within the batch). */
  duplicates: number;
}

/** A consumer's checkpoint row. */
export interface ConsumerCheckpoint {
  position: number;
  lastEventId: string | null;
  updatedAt: Date;
}

/** A projection bound to one consumer. */
export interface SqlProjection {
  readonly consumer: string;
  /** Projects a batch in one transaction and reports what it did. */
  apply(events: readonly EventEnvelope[], context?: ProjectionContext): Promise<ProjectionResult>;
  /** The consumer runner's handler: `createConsumerRunner({ name, handle: projection.handle, … })`. */
  readonly handle: (events: EventEnvelope[], context?: ProjectionContext) => Promise<void>;
  /** The stored checkpoint, if the consumer ever committed a batch. */
  checkpoint(): Promise<ConsumerCheckpoint | undefined>;
}

const CLAIM = `insert into processed_events (consumer, event_id)
select $1, id from unnest($2::text[]) as id
on conflict do nothing
returning event_id`;

const CHECKPOINT = `insert into consumer_checkpoints as c (consumer, position, last_event_id, updated_at)
values ($1, coalesce($2::bigint, 0), $3, now())
on conflict (consumer) do update set
  position = greatest(c.position, coalesce($2::bigint, c.position)),
  last_event_id = coalesce($3, c.last_event_id),
  updated_at = now()`;

/**
 * Creates the projection. Needs the tables of migration 0001 (`migrate(sql)`).
 * @example
 * const projection = createSqlProjection({
 *   sql,
 *   consumer: 'accounts-projector',
 *   project: async (tx, events) => { await insertRows(tx, { table: 'accounts', … }); },
 * });
 * createConsumerRunner({ log, name: projection.consumer, handle: projection.handle });
 */
export function createSqlProjection(options: SqlProjectionOptions): SqlProjection {
  const { sql, consumer, project } = options;
  const claims = options.claims ?? true;
  const claimable = typeof claims === 'function' ? claims : () => claims;
  const apply = (
    events: readonly EventEnvelope[],
    context: ProjectionContext = {},
  ): Promise<ProjectionResult> =>
    sql.transaction(async (tx) => {
      const ids = [...new Set(events.filter(claimable).map((e) => e.id))];
      const claimed =
        ids.length === 0
          ? new Set<string>()
          : new Set(
              (await tx.query<{ event_id: string }>(CLAIM, [consumer, ids])).rows.map((r) => r.event_id),
            );
      for (const e of events) if (!claimable(e)) claimed.add(e.id);
      const fresh = events.filter((e) => claimed.delete(e.id)); // delete: a repeated id passes once
      if (fresh.length > 0) await project(tx, fresh);
      await tx.query(CHECKPOINT, [consumer, context.lastOffset ?? null, fresh.at(-1)?.id ?? null]);
      return { projected: fresh.length, duplicates: events.length - fresh.length };
    });
  return {
    consumer,
    apply,
    handle: async (events, context) => {
      await apply(events, context);
    },
    async checkpoint() {
      const { rows } = await sql.query<{ position: number; last_event_id: string | null; updated_at: Date }>(
        'select position, last_event_id, updated_at from consumer_checkpoints where consumer = $1',
        [consumer],
      );
      const row = rows[0];
      return (
        row && { position: Number(row.position), lastEventId: row.last_event_id, updatedAt: row.updated_at }
      );
    },
  };
}

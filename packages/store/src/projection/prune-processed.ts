/**
 * @module Pruning the processed-event ids idempotent consumers record: without it
 * `processed_events` grows by one row per event forever. An id is only needed while its event
 * can still arrive again; that is a redelivery (the log re-sending what the consumer handled but
 * had not yet acknowledged when it stopped), which happens within a bounded window after the
 * consumer's checkpoint moved past it. Ids processed longer than that window before the
 * consumer's latest checkpoint are dropped. A deliberate replay from further back (`tickline log
 * replay --consumer`) is not a redelivery: it projects again, as a rewind is meant to.
 */
import type { SqlQueryable } from '../port/sql.ts';

/** How long after a checkpoint an event it covered may still be delivered again. */
export const DEFAULT_REDELIVERY_WINDOW_MS = 24 * 60 * 60 * 1000; // one day, far above any ack delay

/** Options for {@link pruneProcessedEvents}. */
export interface PruneProcessedOptions {
  /** @default 86_400_000 (one day) */
  redeliveryWindowMs?: number;
}

/** What a prune removed. */
export interface PruneProcessedResult {
  /** Rows deleted per consumer. */
  deleted: Record<string, number>;
}

const PRUNE = `with pruned as (
  delete from processed_events p
  using consumer_checkpoints c
  where p.consumer = c.consumer
    and p.processed_at < c.updated_at - ($1::bigint * interval '1 millisecond')
  returning p.consumer
)
select consumer, count(*)::int as deleted from pruned group by consumer order by consumer`;

/** Deletes processed ids older than each consumer's checkpoint minus the redelivery window. */
export async function pruneProcessedEvents(
  sql: SqlQueryable,
  options: PruneProcessedOptions = {},
): Promise<PruneProcessedResult> {
  const windowMs = options.redeliveryWindowMs ?? DEFAULT_REDELIVERY_WINDOW_MS;
  if (!Number.isInteger(windowMs) || windowMs < 0) throw new RangeError('redeliveryWindowMs must be a non-negative integer');
  const { rows } = await sql.query<{ consumer: string; deleted: number }>(PRUNE, [windowMs]);
  return { deleted: Object.fromEntries(rows.map((r) => [r.consumer, Number(r.deleted)])) };
}

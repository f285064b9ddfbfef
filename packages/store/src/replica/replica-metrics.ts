/** @module The read/write split's Prometheus series: where reads went, and the replica's state and lag. */
import { Counter, Gauge, getOrCreateMetric, type Registry } from '@tickline/kernel';

/** Where one read-only statement ran, and why. */
export const ReadRoute = {
  /** On the replica. */
  Replica: 'replica',
  /** On the primary: the key wrote within the fresh window (read-your-writes). */
  Fresh: 'primary_fresh',
  /** On the primary: the last probe or read found the replica unreachable. */
  Down: 'primary_down',
  /** On the primary: the replica's measured lag is over the limit. */
  Lagging: 'primary_lagging',
  /** On the primary after the replica failed this very statement. */
  Fallback: 'primary_fallback',
} as const;
export type ReadRoute = (typeof ReadRoute)[keyof typeof ReadRoute];

/** The series one router writes. */
export interface ReplicaMetrics {
  read(route: ReadRoute): void;
  state(up: boolean, lagSeconds: number | undefined, lagBytes: number | undefined): void;
}

/** Registers (or reuses) the series. */
export function createReplicaMetrics(registry: Registry): ReplicaMetrics {
  const reads = getOrCreateMetric(
    registry,
    'tickline_sql_reads_total',
    () =>
      new Counter({
        name: 'tickline_sql_reads_total',
        help: 'Read-only statements of the read/write split, by where they ran (replica, or primary and why).',
        labelNames: ['route'],
        registers: [registry],
      }),
  );
  const up = getOrCreateMetric(
    registry,
    'tickline_sql_replica_up',
    () =>
      new Gauge({
        name: 'tickline_sql_replica_up',
        help: 'Whether the read replica answered its last probe or read (1) or not (0: reads go to the primary).',
        registers: [registry],
      }),
  );
  const lagSeconds = getOrCreateMetric(
    registry,
    'tickline_sql_replica_lag_seconds',
    () =>
      new Gauge({
        name: 'tickline_sql_replica_lag_seconds',
        help: 'Replication lag at the last probe: 0 when the replica has replayed all the primary wrote, else the age of its last replayed transaction.',
        registers: [registry],
      }),
  );
  const lagBytes = getOrCreateMetric(
    registry,
    'tickline_sql_replica_lag_bytes',
    () =>
      new Gauge({
        name: 'tickline_sql_replica_lag_bytes',
        help: "WAL the replica has not replayed yet at the last probe (primary's current LSN minus the replica's replay LSN).",
        registers: [registry],
      }),
  );
  // Every route shows from the start, so a rate() over a route that never ran is 0, not absent.
  for (const route of Object.values(ReadRoute)) reads.inc({ route }, 0);
  return {
    read: (route) => reads.inc({ route }),
    state(isUp, seconds, bytes) {
      up.set(isUp ? 1 : 0);
      if (seconds !== undefined) lagSeconds.set(seconds);
      if (bytes !== undefined) lagBytes.set(bytes);
    },
  };
}

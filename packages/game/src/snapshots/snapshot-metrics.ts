/** @module Snapshot metrics: writes by store and outcome, write time, age of the newest snapshot, size. */
import { Counter, Gauge, getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';

const WRITE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Outcome of one snapshot write. */
export const SnapshotWriteResult = { Ok: 'ok', Failed: 'failed', Skipped: 'skipped' } as const;
export type SnapshotWriteResult = (typeof SnapshotWriteResult)[keyof typeof SnapshotWriteResult];

/** The scheduler's handles on the shared series. */
export interface SnapshotMetrics {
  write(store: string, kind: string, result: SnapshotWriteResult): void;
  writeSeconds(store: string, seconds: number): void;
  age(zoneId: string, kind: string, seconds: number): void;
  bytes(zoneId: string, size: number): void;
}

/** Creates (or reuses) the series in `registry`. */
export function createSnapshotMetrics(registry: Registry): SnapshotMetrics {
  const writes = getOrCreateMetric(
    registry,
    'tickline_game_snapshot_writes_total',
    () =>
      new Counter({
        name: 'tickline_game_snapshot_writes_total',
        help: 'Zone snapshot writes by store, kind and result (skipped: the previous write to that store was still running).',
        labelNames: ['store', 'kind', 'result'],
        registers: [registry],
      }),
  );
  const seconds = getOrCreateMetric(
    registry,
    'tickline_game_snapshot_write_seconds',
    () =>
      new Histogram({
        name: 'tickline_game_snapshot_write_seconds',
        help: 'Time to encode and store one zone snapshot, by store.',
        labelNames: ['store'],
        buckets: WRITE_BUCKETS,
        registers: [registry],
      }),
  );
  const age = getOrCreateMetric(
    registry,
    'tickline_game_snapshot_age_seconds',
    () =>
      new Gauge({
        name: 'tickline_game_snapshot_age_seconds',
        help: 'Age of the newest snapshot stored for the zone, by kind (how much a crash would replay).',
        labelNames: ['zone', 'kind'],
        registers: [registry],
      }),
  );
  const size = getOrCreateMetric(
    registry,
    'tickline_game_snapshot_bytes',
    () =>
      new Gauge({
        name: 'tickline_game_snapshot_bytes',
        help: 'Encoded size of the zone’s last snapshot.',
        labelNames: ['zone'],
        registers: [registry],
      }),
  );
  return {
    write: (store, kind, result) => writes.labels({ store, kind, result }).inc(),
    writeSeconds: (store, s) => seconds.labels({ store }).observe(s),
    age: (zone, kind, s) => age.labels({ zone, kind }).set(s),
    bytes: (zone, n) => size.labels({ zone }).set(n),
  };
}

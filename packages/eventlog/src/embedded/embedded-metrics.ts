/** @module Prometheus series of the embedded log, bound once to its `log` label so the hot path only increments. */
import { Counter, Gauge, Histogram, getOrCreateMetric, type Registry } from '@tickline/kernel';

const PREFIX = 'tickline_eventlog_';
const FSYNC_BUCKETS_SECONDS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];

function counter(registry: Registry, name: string, help: string): Counter<'log'> {
  return getOrCreateMetric(
    registry,
    PREFIX + name,
    () => new Counter({ name: PREFIX + name, help, labelNames: ['log'], registers: [registry] }),
  );
}

function gauge(registry: Registry, name: string, help: string): Gauge<'log'> {
  return getOrCreateMetric(
    registry,
    PREFIX + name,
    () => new Gauge({ name: PREFIX + name, help, labelNames: ['log'], registers: [registry] }),
  );
}

/** The embedded log's metric children for one log name. */
export function createEmbeddedMetrics(registry: Registry, log: string) {
  const labels = { log };
  return {
    appendedRecords: counter(
      registry,
      'appended_records_total',
      'Records appended (duplicates excluded).',
    ).labels(labels),
    appendedBytes: counter(registry, 'appended_bytes_total', 'Bytes of frames appended.').labels(labels),
    duplicates: counter(
      registry,
      'duplicate_records_total',
      'Appends answered from the dedupe window.',
    ).labels(labels),
    groupCommits: counter(
      registry,
      'group_commits_total',
      'Group commits: one write (and fsync) each.',
    ).labels(labels),
    fsyncSeconds: getOrCreateMetric(
      registry,
      `${PREFIX}fsync_duration_seconds`,
      () =>
        new Histogram({
          name: `${PREFIX}fsync_duration_seconds`,
          help: 'Time spent in fdatasync of a segment.',
          labelNames: ['log'],
          buckets: FSYNC_BUCKETS_SECONDS,
          registers: [registry],
        }),
    ).labels(labels),
    tornTails: counter(
      registry,
      'torn_tail_truncations_total',
      'Torn or garbage tails truncated on open.',
    ).labels(labels),
    truncatedBytes: counter(
      registry,
      'truncated_bytes_total',
      'Bytes removed by torn-tail truncation.',
    ).labels(labels),
    corruptRecords: counter(
      registry,
      'corrupt_records_total',
      'Records lost to checksum or framing damage, skipped.',
    ).labels(labels),
    retentionDeleted: counter(
      registry,
      'retention_deleted_segments_total',
      'Segments deleted by retention.',
    ).labels(labels),
    segments: gauge(registry, 'segments', 'Segment files in the log.').labels(labels),
    bytes: gauge(registry, 'bytes', 'Bytes of segment files in the log.').labels(labels),
  };
}

export type EmbeddedMetrics = ReturnType<typeof createEmbeddedMetrics>;

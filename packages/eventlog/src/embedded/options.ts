/** @module Options of the embedded event log, their defaults, and the one function that resolves them. */
import { basename, resolve } from 'node:path';
import { Registry, silentLogger, type Logger } from '@tickline/kernel';
import { DEFAULT_DEDUPE_WINDOW_MS } from '../memory/dedupe-window.ts';
import { DEFAULT_DEDUPE_MAX_ENTRIES } from './id-window.ts';
import { EventLogError } from '../port/errors.ts';

/** When appended bytes are forced to disk. */
export const FsyncPolicy = { always: 'always', interval: 'interval', never: 'never' } as const;
export type FsyncPolicy = (typeof FsyncPolicy)[keyof typeof FsyncPolicy];

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024; // 64 MiB
export const DEFAULT_FSYNC_INTERVAL_MS = 100;
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 50;
export const DEFAULT_RETENTION_CHECK_INTERVAL_MS = 60_000; // 1 minute
export const DEFAULT_POLL_INTERVAL_MS = 100;
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024; // 64 MiB of recent records kept for live consumers
export const DEFAULT_CACHE_RECORDS = 256 * 1024;
/** The largest payload one record may carry. */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024; // 16 MiB

/** Options for {@link createEmbeddedEventLog}. */
export interface EmbeddedEventLogOptions {
  /** Directory holding the segments, checkpoints and lock. Created if missing (not when `readOnly`). */
  dir: string;
  /** Name used in logs and the `log` metric label. @default basename of `dir` */
  name?: string;
  /**
   * `always`: a group commit is fsynced before its appends resolve (survives power loss).
   * `interval`: appends resolve once written (survive a process crash); fsync every `fsyncIntervalMs`.
   * `never`: fsync only on segment roll and close.
   * @default 'always'
   */
  fsync?: FsyncPolicy;
  /** Period of the background fsync under `fsync: 'interval'`. @default 100 */
  fsyncIntervalMs?: number;
  /** A segment is sealed and a new one started once a group would take it past this size. @default 64 MiB */
  segmentBytes?: number;
  /** Whole sealed segments are deleted once the log is over `maxBytes` or they are older than `maxAgeMs`. */
  retention?: { maxBytes?: number; maxAgeMs?: number };
  /** How often retention runs besides on every segment roll. @default 60_000 */
  retentionCheckIntervalMs?: number;
  /**
   * Opens without the lock and never writes: appends fail with EVLOG_READ_ONLY, consumers keep
   * their positions in memory only, and the log polls for records another process appends.
   * @default false
   */
  readOnly?: boolean;
  /** Polling period for growth when `readOnly`. @default 100 */
  pollIntervalMs?: number;
  /** Appending an id seen within this window returns the original offset. @default 120_000 */
  dedupeWindowMs?: number;
  /**
   * Most ids the dedupe window holds, whatever their age: at 300k appends/s a 2-minute window
   * would hold 36M ids, so under heavy load the window shrinks to the last this-many records.
   * @default 1_048_576
   */
  dedupeMaxEntries?: number;
  /**
   * Consumer acknowledgements are written to disk at most this often (coalesced). A crash can
   * redeliver records acknowledged in the last interval: delivery is at-least-once.
   * @default 50
   */
  checkpointIntervalMs?: number;
  /** Recently appended records kept in memory for live consumers. @default 64 MiB / 262_144 records */
  cache?: { maxBytes?: number; maxRecords?: number };
  /** Where metrics go. @default a private registry */
  metrics?: Registry;
  /** @default silentLogger */
  logger?: Logger;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
}

/** {@link EmbeddedEventLogOptions} with every default applied. */
export interface ResolvedEmbeddedEventLogOptions {
  dir: string;
  name: string;
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  segmentBytes: number;
  retention: { maxBytes: number | undefined; maxAgeMs: number | undefined };
  retentionCheckIntervalMs: number;
  readOnly: boolean;
  pollIntervalMs: number;
  dedupeWindowMs: number;
  dedupeMaxEntries: number;
  checkpointIntervalMs: number;
  cacheMaxBytes: number;
  cacheMaxRecords: number;
  metrics: Registry;
  logger: Logger;
  now: () => number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', `${name} must be a positive number`, {
      details: { [name]: value },
    });
  return value;
}

/** Applies defaults and validates ranges. */
export function resolveEmbeddedOptions(options: EmbeddedEventLogOptions): ResolvedEmbeddedEventLogOptions {
  if (typeof options.dir !== 'string' || options.dir === '')
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'dir is required');
  const dir = resolve(options.dir);
  const fsync = options.fsync ?? FsyncPolicy.always;
  if (!Object.values(FsyncPolicy).includes(fsync))
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', `fsync must be always, interval or never`, {
      details: { fsync },
    });
  return {
    dir,
    name: options.name ?? basename(dir),
    fsync,
    fsyncIntervalMs: positive('fsyncIntervalMs', options.fsyncIntervalMs, DEFAULT_FSYNC_INTERVAL_MS),
    segmentBytes: positive('segmentBytes', options.segmentBytes, DEFAULT_SEGMENT_BYTES),
    retention: {
      maxBytes:
        options.retention?.maxBytes === undefined
          ? undefined
          : positive('retention.maxBytes', options.retention.maxBytes, 0),
      maxAgeMs:
        options.retention?.maxAgeMs === undefined
          ? undefined
          : positive('retention.maxAgeMs', options.retention.maxAgeMs, 0),
    },
    retentionCheckIntervalMs: positive(
      'retentionCheckIntervalMs',
      options.retentionCheckIntervalMs,
      DEFAULT_RETENTION_CHECK_INTERVAL_MS,
    ),
    readOnly: options.readOnly ?? false,
    pollIntervalMs: positive('pollIntervalMs', options.pollIntervalMs, DEFAULT_POLL_INTERVAL_MS),
    dedupeWindowMs: positive('dedupeWindowMs', options.dedupeWindowMs, DEFAULT_DEDUPE_WINDOW_MS),
    dedupeMaxEntries: Math.floor(
      positive('dedupeMaxEntries', options.dedupeMaxEntries, DEFAULT_DEDUPE_MAX_ENTRIES),
    ),
    checkpointIntervalMs: positive(
      'checkpointIntervalMs',
      options.checkpointIntervalMs,
      DEFAULT_CHECKPOINT_INTERVAL_MS,
    ),
    cacheMaxBytes: positive('cache.maxBytes', options.cache?.maxBytes, DEFAULT_CACHE_BYTES),
    cacheMaxRecords: positive('cache.maxRecords', options.cache?.maxRecords, DEFAULT_CACHE_RECORDS),
    metrics: options.metrics ?? new Registry(),
    logger: options.logger ?? silentLogger,
    now: options.now ?? Date.now,
  };
}

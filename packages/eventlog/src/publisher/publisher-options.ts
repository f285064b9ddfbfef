/** @module Publisher options, their defaults, and the one function that resolves them. */
import { join } from 'node:path';
import { Registry, type Logger } from '@tickline/kernel';
import { EventLogError } from '../port/errors.ts';
import type { EventLog } from '../port/event-log.ts';

/** Events held in memory before new ones go to the spill journal. */
export const DEFAULT_MAX_QUEUED_EVENTS = 100_000;
/** Records per `append` call. */
export const DEFAULT_MAX_BATCH = 1_000;
/** First wait after a failed append; grows exponentially with jitter. */
export const DEFAULT_RETRY_INITIAL_DELAY_MS = 100;
/** Longest wait between append attempts: also the worst extra delay before noticing recovery. */
export const DEFAULT_RETRY_MAX_DELAY_MS = 5_000;
/** How long `stop()` keeps trying to publish before writing the rest to the journal. */
export const DEFAULT_STOP_DRAIN_TIMEOUT_MS = 5_000;

/** Options for {@link createPublisher}. */
export interface PublisherOptions {
  log: EventLog;
  /** Directory of the spill journal (`<name>.journal`). Created when missing. */
  spillDir: string;
  /**
   * Events kept in memory before new ones are spilled to the journal. Memory use is about this
   * many encoded events (≈ 300 bytes each for typical game events).
   * @default 100_000
   */
  maxQueuedEvents?: number;
  /** Records per append. @default 1_000 */
  maxBatch?: number;
  /** Backoff between failed appends (exponential, decorrelated jitter). */
  retry?: {
    /** @default 100 */
    initialDelayMs?: number;
    /** @default 5_000 */
    maxDelayMs?: number;
  };
  /** How long `stop()` tries to publish what is queued before journaling it. @default 5_000 */
  stopDrainTimeoutMs?: number;
  /** @default a private registry (metrics are not exported) */
  metrics?: Registry;
  /** @default the logger from the service context, else silent */
  logger?: Logger;
  /** Service name, metric label and journal file name. @default 'publisher' */
  name?: string;
}

/** Options with every default applied. */
export interface ResolvedPublisherOptions {
  log: EventLog;
  journalPath: string;
  maxQueuedEvents: number;
  maxBatch: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  stopDrainTimeoutMs: number;
  metrics: Registry;
  logger: Logger | undefined;
  name: string;
}

/** Applies defaults and rejects values that cannot work. */
export function resolvePublisherOptions(options: PublisherOptions): ResolvedPublisherOptions {
  const name = options.name ?? 'publisher';
  const resolved: ResolvedPublisherOptions = {
    log: options.log,
    journalPath: join(options.spillDir, `${name}.journal`),
    maxQueuedEvents: options.maxQueuedEvents ?? DEFAULT_MAX_QUEUED_EVENTS,
    maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
    retryInitialDelayMs: options.retry?.initialDelayMs ?? DEFAULT_RETRY_INITIAL_DELAY_MS,
    retryMaxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
    stopDrainTimeoutMs: options.stopDrainTimeoutMs ?? DEFAULT_STOP_DRAIN_TIMEOUT_MS,
    metrics: options.metrics ?? new Registry(),
    logger: options.logger,
    name,
  };
  for (const field of ['maxQueuedEvents', 'maxBatch'] as const) {
    if (!Number.isInteger(resolved[field]) || resolved[field] < 1) {
      throw new EventLogError(
        'EVLOG_INVALID_ARGUMENT',
        `publisher option ${field} must be a positive integer`,
        {
          details: { field, value: resolved[field] },
        },
      );
    }
  }
  if (resolved.retryMaxDelayMs < resolved.retryInitialDelayMs) {
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'retry.maxDelayMs must be ≥ retry.initialDelayMs', {
      details: { fields: ['retry.initialDelayMs', 'retry.maxDelayMs'] },
    });
  }
  if (!/^[\w.-]+$/.test(name)) {
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'publisher name must be a plain file name', {
      details: { field: 'name', value: name },
    });
  }
  return resolved;
}

/** @module Consumer runner options, their defaults, and the one function that resolves them. */
import {
  isEventDecodeError,
  Registry,
  type EventEnvelope,
  type EventRegistry,
  type Logger,
} from '@tickline/kernel';
import { EventLogError } from '../port/errors.ts';
import type { EventLog, StartPosition } from '../port/event-log.ts';
import { createMemoryDedupeStore, type DedupeStore } from './dedupe-store.ts';

/** Records fetched per batch. */
export const DEFAULT_CONSUMER_BATCH_SIZE = 500;
/** Long-poll wait of one fetch. */
export const DEFAULT_CONSUMER_WAIT_MS = 1_000;
/** Handler attempts per batch (and per event after a batch is split) before dead-lettering. */
export const DEFAULT_HANDLER_MAX_ATTEMPTS = 5;
export const DEFAULT_HANDLER_RETRY_INITIAL_DELAY_MS = 100;
export const DEFAULT_HANDLER_RETRY_MAX_DELAY_MS = 2_000;
/** How often the lag gauge is refreshed from the log. */
export const DEFAULT_LAG_INTERVAL_MS = 5_000;

/** What a handler receives besides the events. */
export interface HandlerContext {
  /** Bound to the consumer's name. */
  logger: Logger;
  /** The log offset of each event, index for index (projections checkpoint with these). */
  offsets: readonly number[];
  /** The highest offset in `offsets`. */
  lastOffset: number;
}

/** Processes a batch. Throwing means none of the batch took effect (it will be retried). */
export type EventHandler = (events: EventEnvelope[], context: HandlerContext) => Promise<void>;

/** Options for {@link createConsumerRunner}. */
export interface ConsumerRunnerOptions {
  log: EventLog;
  /** Durable consumer name (checkpoint owner), service name and metric label. */
  name: string;
  /** Where a new consumer starts. @default { from: 'earliest' } */
  start?: StartPosition;
  /** Several processes split this consumer's records (see `ConsumerOptions.shared`). @default false */
  shared?: boolean;
  /** The log drops the durable after this long without a holder (see `ConsumerOptions.expireAfterMs`). */
  expireAfterMs?: number;
  /** Validates each event's data; without it only the envelope is checked. */
  registry?: EventRegistry;
  /**
   * Only records of these event types reach the handler; the others are acknowledged without
   * being decoded (the log keeps each record's type beside its payload). A projection of candles
   * on a log that also carries every trade decodes a few events per second instead of 100,000.
   * A function decides by type where a set cannot list them (prefixes).
   * @default every type
   */
  types?: ReadonlySet<string> | ((type: string) => boolean);
  handle: EventHandler;
  /** @default 500 */
  batchSize?: number;
  /** @default 1_000 */
  waitMs?: number;
  retry?: {
    /** Attempts in all (the first included). @default 5 */
    maxAttempts?: number;
    /** @default 100 */
    initialDelayMs?: number;
    /** @default 2_000 */
    maxDelayMs?: number;
  };
  /**
   * Whether a handler error is worth retrying. Errors about the event itself (decode, schema)
   * are not: the bytes will not change.
   * @default every error except event decode errors
   */
  shouldRetry?: (error: unknown) => boolean;
  /** Where poison events go. @default none: they are logged at error level, counted and skipped */
  deadLetters?: EventLog;
  /** @default an in-memory set of the 100,000 most recent ids */
  dedupe?: DedupeStore;
  /** @default 5_000 */
  lagIntervalMs?: number;
  /** @default a private registry */
  metrics?: Registry;
  /** @default the logger from the service context */
  logger?: Logger;
}

/** The default retry guard. */
export function isRetryableHandlerError(error: unknown): boolean {
  return !isEventDecodeError(error);
}

export interface ResolvedConsumerRunnerOptions {
  log: EventLog;
  name: string;
  start: StartPosition;
  shared: boolean;
  expireAfterMs: number | undefined;
  registry: EventRegistry | undefined;
  types: ReadonlySet<string> | ((type: string) => boolean) | undefined;
  handle: EventHandler;
  batchSize: number;
  waitMs: number;
  maxAttempts: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  shouldRetry: (error: unknown) => boolean;
  deadLetters: EventLog | undefined;
  dedupe: DedupeStore;
  lagIntervalMs: number;
  metrics: Registry;
  logger: Logger | undefined;
}

export function resolveConsumerRunnerOptions(options: ConsumerRunnerOptions): ResolvedConsumerRunnerOptions {
  const resolved: ResolvedConsumerRunnerOptions = {
    log: options.log,
    name: options.name,
    start: options.start ?? { from: 'earliest' },
    shared: options.shared ?? false,
    expireAfterMs: options.expireAfterMs,
    registry: options.registry,
    types: options.types,
    handle: options.handle,
    batchSize: options.batchSize ?? DEFAULT_CONSUMER_BATCH_SIZE,
    waitMs: options.waitMs ?? DEFAULT_CONSUMER_WAIT_MS,
    maxAttempts: options.retry?.maxAttempts ?? DEFAULT_HANDLER_MAX_ATTEMPTS,
    retryInitialDelayMs: options.retry?.initialDelayMs ?? DEFAULT_HANDLER_RETRY_INITIAL_DELAY_MS,
    retryMaxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_HANDLER_RETRY_MAX_DELAY_MS,
    shouldRetry: options.shouldRetry ?? isRetryableHandlerError,
    deadLetters: options.deadLetters,
    dedupe: options.dedupe ?? createMemoryDedupeStore(),
    lagIntervalMs: options.lagIntervalMs ?? DEFAULT_LAG_INTERVAL_MS,
    metrics: options.metrics ?? new Registry(),
    logger: options.logger,
  };
  for (const field of ['batchSize', 'maxAttempts'] as const) {
    if (!Number.isInteger(resolved[field]) || resolved[field] < 1) {
      throw new EventLogError(
        'EVLOG_INVALID_ARGUMENT',
        `consumer option ${field} must be a positive integer`,
        {
          details: { field, value: resolved[field] },
        },
      );
    }
  }
  if (!options.name) {
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'a consumer runner needs a name', {
      details: { field: 'name' },
    });
  }
  if (options.deadLetters && options.deadLetters === options.log) {
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'deadLetters must be another log than log', {
      details: { fields: ['log', 'deadLetters'] },
    });
  }
  return resolved;
}

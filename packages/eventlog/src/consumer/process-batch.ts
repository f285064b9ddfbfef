/**
 * @module Processing one fetched batch: decode → dead-letter what cannot be decoded → drop ids
 * already processed → handle with retries → if the batch still fails, handle its events one by
 * one so only the poison events are dead-lettered → remember the ids. The caller acks afterwards.
 * A handler failing because a dependency is unavailable (an error whose code answers 503: the
 * database restarting) is not poison: the batch waits and is tried again until the dependency is
 * back or the runner stops. Giving up after a few attempts dead-lettered healthy events during a
 * 3-second PostgreSQL restart in the chaos run (2 trades never reached `market_trades`).
 */
import {
  decodeEvent,
  isEventDecodeError,
  isUnavailableError,
  type EventEnvelope,
  type EventRegistry,
  type Logger,
} from '@tickline/kernel';
import type { RetryPolicy } from 'cockatiel';
import type { EventLog, LogRecord } from '../port/event-log.ts';
import type { ConsumerMetrics } from './consumer-metrics.ts';
import type { EventHandler } from './consumer-options.ts';
import { deadLetterRecord, describeError, type DeadLetter, type DeadLetterError } from './dead-letter.ts';
import type { DedupeStore } from './dedupe-store.ts';
import { ConsumerStoppedError, retryUntilStopped } from './retry-until-stopped.ts';

/** Totals kept by the runner. */
export interface ConsumerCounts {
  processed: number;
  failed: number;
  deadLetters: number;
  decodeErrors: number;
  duplicates: number;
  batches: number;
}

/** What {@link processBatch} works with. */
export interface BatchDependencies {
  consumer: string;
  logName: string;
  logger: Logger;
  registry: EventRegistry | undefined;
  handle: EventHandler;
  handlerPolicy: RetryPolicy;
  deadLetterPolicy: RetryPolicy;
  deadLetters: EventLog | undefined;
  dedupe: DedupeStore;
  metrics: ConsumerMetrics;
  counts: ConsumerCounts;
  signal: AbortSignal;
  /** Pause between rounds of retries while a dependency is unavailable. */
  unavailablePauseMs: number;
}

interface Decoded {
  record: LogRecord;
  event: EventEnvelope;
}

type HandleOutcome = { ok: true } | { ok: false; error: unknown; attempts: number };

/** Processes `records`. Rejects with ConsumerStoppedError (nothing to ack) when stopped midway. */
export async function processBatch(records: readonly LogRecord[], deps: BatchDependencies): Promise<void> {
  const decoded: Decoded[] = [];
  const ids = new Set<string>();
  for (const record of records) {
    let event: EventEnvelope;
    try {
      event = decodeEvent(record.payload, { registry: deps.registry });
    } catch (error) {
      if (!isEventDecodeError(error)) throw error;
      deps.counts.decodeErrors++;
      deps.metrics.decodeErrors(error.code);
      await deadLetter(record, describeError(error, error.code), 0, deps);
      continue;
    }
    if (ids.has(event.id)) countDuplicates(1, deps);
    else {
      ids.add(event.id);
      decoded.push({ record, event });
    }
  }
  const unseen = decoded.length > 0 ? await deps.dedupe.unseen([...ids]) : new Set<string>();
  const fresh = decoded.filter((d) => unseen.has(d.event.id));
  countDuplicates(decoded.length - fresh.length, deps);
  if (fresh.length === 0) return;

  const outcome = await handleWithRetry(fresh, deps);
  if (outcome.ok) return done(fresh, deps);
  if (fresh.length === 1) return deadLetter(fresh[0]!.record, handlerFailed(outcome), outcome.attempts, deps);
  deps.logger.warn(
    { err: outcome.error, events: fresh.length, attempts: outcome.attempts },
    'batch still failing after retries; handling its events one by one to isolate the poison',
  );
  for (const item of fresh) {
    const one = await handleWithRetry([item], deps);
    if (one.ok) await done([item], deps);
    else await deadLetter(item.record, handlerFailed(one), one.attempts, deps);
  }
}

async function handleWithRetry(items: readonly Decoded[], deps: BatchDependencies): Promise<HandleOutcome> {
  for (let rounds = 1; ; rounds++) {
    const outcome = await handleWithPolicy(items, deps);
    if (outcome.ok || !isUnavailableError(outcome.error)) return outcome;
    deps.logger.warn(
      { err: outcome.error, events: items.length, rounds },
      'a dependency is unavailable; the batch waits and is tried again (never dead-lettered for it)',
    );
    await pause(deps.unavailablePauseMs, deps.signal);
  }
}

/** Resolves after `ms`; rejects with ConsumerStoppedError as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ConsumerStoppedError());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ConsumerStoppedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function handleWithPolicy(items: readonly Decoded[], deps: BatchDependencies): Promise<HandleOutcome> {
  let attempts = 0;
  const events = items.map((i) => i.event);
  const offsets = items.map((i) => i.record.offset);
  const context = { logger: deps.logger, offsets, lastOffset: Math.max(...offsets) };
  try {
    await retryUntilStopped(
      deps.handlerPolicy,
      async (attempt) => {
        attempts = attempt + 1;
        try {
          await deps.handle(events, context);
        } catch (error) {
          deps.counts.failed++;
          deps.metrics.failed.inc();
          throw error;
        }
      },
      deps.signal,
    );
    return { ok: true };
  } catch (error) {
    if (error instanceof ConsumerStoppedError) throw error;
    return { ok: false, error, attempts };
  }
}

async function done(items: readonly Decoded[], deps: BatchDependencies): Promise<void> {
  await deps.dedupe.remember(items.map((i) => i.event.id));
  deps.counts.processed += items.length;
  deps.metrics.processed.inc(items.length);
}

function countDuplicates(count: number, deps: BatchDependencies): void {
  if (count === 0) return;
  deps.counts.duplicates += count;
  deps.metrics.duplicates.inc(count);
}

function handlerFailed(outcome: { error: unknown; attempts: number }): DeadLetterError {
  const cause = describeError(outcome.error, 'UNKNOWN');
  return {
    code: 'EVLOG_HANDLER_FAILED',
    message: cause.message,
    details: { attempts: outcome.attempts, cause },
  };
}

/** Appends a dead letter, retrying while the dead-letter log is unavailable. */
async function deadLetter(
  record: LogRecord,
  error: DeadLetterError,
  attempts: number,
  deps: BatchDependencies,
): Promise<void> {
  const letter: DeadLetter = {
    v: 1,
    record,
    log: deps.logName,
    consumer: deps.consumer,
    error,
    attempts,
    failedAt: Date.now(),
  };
  const context = { offset: record.offset, id: record.id, type: record.type, error };
  const count = (): void => {
    deps.counts.deadLetters++;
    deps.metrics.deadLetters.inc();
  };
  const target = deps.deadLetters;
  if (!target) {
    count();
    deps.logger.error(context, 'event dead-lettered, but no dead-letter log is configured: it is skipped');
    return;
  }
  try {
    await retryUntilStopped(
      deps.deadLetterPolicy,
      async () => {
        const [result] = await target.append([deadLetterRecord(letter)]);
        if (result && !result.ok) throw result.error;
      },
      deps.signal,
    );
    count();
    deps.logger.warn(context, 'event dead-lettered');
  } catch (cause) {
    if (cause instanceof ConsumerStoppedError) throw cause;
    deps.logger.error({ ...context, err: cause }, 'the dead-letter log refused the event; it is skipped');
  }
}

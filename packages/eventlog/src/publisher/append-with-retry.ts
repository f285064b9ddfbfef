/**
 * @module Appending one batch until the log takes it: exponential backoff with decorrelated
 * jitter (cockatiel), the same records (same ids, so the log dedupes a retry of a batch that was
 * in fact stored), forever unless the error is permanent or the caller aborts.
 */
import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { errorGuard } from '@tickline/kernel';
import { isInvalidArgumentError } from '../port/errors.ts';
import type { AppendRecord, AppendResult, EventLog } from '../port/event-log.ts';

const isReadOnlyError = errorGuard('EVLOG_READ_ONLY');

/** Errors retrying cannot fix: the log refuses these records (or every record), not the moment. */
export function isPermanentAppendError(error: unknown): boolean {
  return isInvalidArgumentError(error) || isReadOnlyError(error);
}

/** Everything else (unavailable, timed out, closed, unexpected) is retried with the same ids. */
export function isTransientAppendError(error: unknown): boolean {
  return !isPermanentAppendError(error);
}

/** Hooks the publisher uses to keep its counters and health. */
export interface AppendObserver {
  /** Before each attempt; `attempt` is 0 for the first. */
  attempt(attempt: number, records: number): void;
  /** An attempt failed with a transient error (thrown, or an `ok: false` result). */
  failed(error: unknown): void;
  /** An attempt went through. */
  succeeded(): void;
  /** Duration of every attempt, in seconds. */
  timed(seconds: number): void;
}

/** Builds the retry policy; the decision to retry is the guard, not a catch block. */
export function createAppendRetryPolicy(initialDelayMs: number, maxDelayMs: number): RetryPolicy {
  return retry(handleWhen(isTransientAppendError), {
    maxAttempts: Number.POSITIVE_INFINITY,
    backoff: new ExponentialBackoff({ initialDelay: initialDelayMs, maxDelay: maxDelayMs }),
  }).dangerouslyUnref(); // a pending backoff must not keep a stopping process alive
}

/** Thrown into the policy when the caller aborted, so no further attempt is made. */
export class AppendAbortedError extends Error {
  override name = 'AppendAbortedError';
}

/**
 * Appends `records` until they are stored. Resolves with the results (some may be permanent
 * `ok: false` failures); rejects with a permanent error for the whole batch, or
 * {@link AppendAbortedError} after `signal` aborts.
 */
export async function appendWithRetry(
  log: EventLog,
  records: readonly AppendRecord[],
  policy: RetryPolicy,
  observer: AppendObserver,
  signal: AbortSignal,
): Promise<AppendResult[]> {
  return policy.execute(async ({ attempt }) => {
    if (signal.aborted) throw new AppendAbortedError('publisher stopped');
    observer.attempt(attempt, records.length);
    const started = performance.now();
    let results: AppendResult[];
    try {
      results = await log.append(records);
    } catch (error) {
      observer.timed((performance.now() - started) / 1000);
      observer.failed(error);
      throw error;
    }
    observer.timed((performance.now() - started) / 1000);
    const transient = results.find((r) => !r.ok && isTransientAppendError(r.error));
    if (transient && !transient.ok) {
      observer.failed(transient.error);
      throw transient.error;
    }
    observer.succeeded();
    return results;
  }, signal);
}

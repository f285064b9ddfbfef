/**
 * @module The generic `backfill` job: calls a backfill function (a network source's REST candle
 * fetch) for the window since the previous successful run, so consecutive runs cover time without
 * holes; after a start (or a failure) the window reaches back `lookbackMs`.
 */
import { systemClock, type Clock } from '@tickline/kernel';
import type { JobDefinition, JobRunDetails } from './job-types.ts';

/** How far back the first window reaches. One hour. */
export const DEFAULT_BACKFILL_LOOKBACK_MS = 3_600_000;

/** The window one run must fill, `[fromMs, toMs)`. */
export interface BackfillWindow {
  fromMs: number;
  toMs: number;
  signal: AbortSignal;
}

/** Options for {@link backfillJob}. */
export interface BackfillJobOptions {
  /** @default 'backfill' (name each one when there are several sources) */
  name?: string;
  schedule: string;
  /** Fetches what is missing in the window and hands it on; resolves with counts to show. */
  backfill(window: BackfillWindow): Promise<JobRunDetails | void>;
  /** @default 3_600_000 (one hour) */
  lookbackMs?: number;
  /** Longest window one run takes; the rest waits for the next run. @default lookbackMs */
  maxWindowMs?: number;
  /** @default none */
  timeoutMs?: number;
  /** @default false */
  runOnStart?: boolean;
  /** @default systemClock */
  clock?: Clock;
}

/** The job; run details are the window and whatever the backfill function returned. */
export function backfillJob(options: BackfillJobOptions): JobDefinition {
  const clock = options.clock ?? systemClock;
  const lookbackMs = options.lookbackMs ?? DEFAULT_BACKFILL_LOOKBACK_MS;
  const maxWindowMs = options.maxWindowMs ?? lookbackMs;
  let filledUntil: number | undefined;
  return {
    name: options.name ?? 'backfill',
    schedule: options.schedule,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    runOnStart: options.runOnStart ?? false,
    async run(signal) {
      const now = clock.now();
      const fromMs = filledUntil ?? now - lookbackMs;
      const toMs = Math.min(now, fromMs + maxWindowMs);
      const details = await options.backfill({ fromMs, toMs, signal });
      filledUntil = toMs; // only after success: a failed window is retried by the next run
      return { fromMs, toMs, ...details };
    },
  };
}

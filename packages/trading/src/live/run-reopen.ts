/**
 * @module Reopening a run whose sandbox process was lost: attempts, with waits between them when
 * an attempt failed for the platform's reasons (the fresh process was not up yet, or busy past
 * its deadline on a loaded machine). A neighbour of a process killed for someone else's code is
 * reopened, not paused — a single failed reopen used to pause it. And what the server logs of it.
 */
import { type Logger, TicklineError } from '@tickline/kernel';
import type { LiveRunnerOptions } from './live-runner-types.ts';

/** Waits before the next attempt; after the last, the run pauses. */
const REOPEN_RETRY_MS = [1_000, 4_000, 15_000];

/** Failures of the process, not the strategy: another try may work. */
const PLATFORM_CODES = new Set([
  'SANDBOX_PROCESS_LOST',
  'SANDBOX_TIMEOUT',
  'SANDBOX_CRASHED',
  'SANDBOX_UNAVAILABLE',
  'SANDBOX_FAULT',
]);

const lostOnTheWay = (error: unknown) => !(error instanceof TicklineError) || PLATFORM_CODES.has(error.code);

/** How a reopen ended: reopened, given up (the run was stopped or replaced meanwhile), or failed. */
export type ReopenOutcome = 'reopened' | 'abandoned' | { error: unknown };

/**
 * Calls `attempt` until it succeeds, fails for the strategy's reasons or runs out of tries;
 * `wanted` is asked after each wait, `retrying` told before it.
 */
export async function reopenWithRetries(o: {
  attempt: () => Promise<void>;
  wanted: () => boolean;
  retrying: (error: unknown, retryInMs: number) => void;
}): Promise<ReopenOutcome> {
  for (let tries = 0; ; tries++) {
    try {
      await o.attempt();
      return 'reopened';
    } catch (error) {
      const delay = REOPEN_RETRY_MS[tries];
      if (delay === undefined || !lostOnTheWay(error)) return { error };
      o.retrying(error, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (!o.wanted()) return 'abandoned';
    }
  }
}

/** The runner's `onReopen`, as a server logs it. */
export function logReopen(logger: Logger, member: string): NonNullable<LiveRunnerOptions['onReopen']> {
  return (run, { resumeAfter, error, retryInMs }) => {
    if (error === undefined)
      logger.info({ member, run, resumeAfter }, 'live strategy reopened in a fresh sandbox process');
    else if (retryInMs !== undefined)
      logger.warn(
        { err: error, member, run, resumeAfter, retryInMs },
        'live strategy could not reopen yet; retrying',
      );
    else logger.warn({ err: error, member, run, resumeAfter }, 'live strategy could not reopen; paused');
  };
}

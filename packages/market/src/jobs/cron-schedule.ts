/**
 * @module Cron expressions for scheduled jobs, evaluated in UTC by `croner` (5 fields, or 6 with
 * seconds first). Only the arithmetic is used: the scheduler owns its timers and clock, so tests
 * drive schedules with a manual clock.
 */
import { Cron } from 'croner';
import { MarketError } from '../port/errors.ts';

/** A parsed schedule. */
export interface CronSchedule {
  readonly expression: string;
  /** The first fire time strictly after `afterMs` (whole seconds), or null when there is none. */
  next(afterMs: number): number | null;
}

/**
 * Parses `expression`.
 * @throws MarketError MARKET_JOB_SCHEDULE_INVALID when it is not a valid cron expression.
 * @example
 * parseCronSchedule('0 * * * *').next(Date.UTC(2026, 0, 1, 10, 30)); // 11:00 UTC
 */
export function parseCronSchedule(expression: string): CronSchedule {
  let cron: Cron;
  try {
    cron = new Cron(expression, { paused: true, timezone: 'Etc/UTC', mode: '5-or-6-parts' });
  } catch (cause) {
    throw new MarketError(
      'MARKET_JOB_SCHEDULE_INVALID',
      `"${expression}" is not a cron expression: ${(cause as Error).message}`,
      { cause, details: { expression } },
    );
  }
  return {
    expression,
    next: (afterMs) => cron.nextRun(new Date(afterMs))?.getTime() ?? null,
  };
}

/**
 * @module The refusals of a backtest past the user's quotas — a queued run (strategy-actions.ts)
 * and a replay of a version (version-replays.ts) alike, since both count as backtests.
 */
import { TicklineError } from '@tickline/kernel';
import '../module/strategy-api-errors.ts';
import { DAY_MS } from './route-shapes.ts';

/** The UTC day `now` falls in, whose runs the per-day quota counts. */
export function quotaDay(now: number): { start: number; end: number } {
  const start = Math.floor(now / DAY_MS) * DAY_MS;
  return { start, end: start + DAY_MS };
}

/**
 * STRATEGY_QUOTA_BACKTESTS (the day's runs are spent: `retryAfter` hears the seconds to the next
 * day) or STRATEGY_QUOTA_CONCURRENT (as many are queued or running as the tier allows).
 */
export function backtestQuotaError(
  exceeded: { exceeded: 'perDay' | 'concurrent'; active: number },
  limits: { tier: string; perDay: number; concurrent: number },
  now: number,
  retryAfter?: (seconds: number) => void,
): TicklineError {
  if (exceeded.exceeded === 'perDay') {
    const { end } = quotaDay(now);
    retryAfter?.(Math.ceil((end - now) / 1000));
    return new TicklineError(
      'STRATEGY_QUOTA_BACKTESTS',
      `the ${limits.tier} tier runs ${limits.perDay} backtests per day`,
      { details: { limit: limits.perDay, resetAt: new Date(end).toISOString() } },
    );
  }
  return new TicklineError(
    'STRATEGY_QUOTA_CONCURRENT',
    `the ${limits.tier} tier allows ${limits.concurrent} backtests at once`,
    { details: { limit: limits.concurrent, active: exceeded.active } },
  );
}

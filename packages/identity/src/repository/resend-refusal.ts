/** @module What a refused resend of a verification link says, the same for every adapter. */
import type { ResendLimits, ResendRefusal } from './records.ts';

const DAY_MS = 86_400_000;

/** The UTC day of `at`, as SQL's `date` reads it (`2026-03-01`). */
export function utcDayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** A user's resend count: the UTC day it counts, how many that day, and the last one. */
export interface ResendCount {
  day: string;
  n: number;
  lastAt: Date;
}

/** Whether `count` lets one more through at `now`. */
export function resendAllowed(count: ResendCount | undefined, now: Date, limits: ResendLimits): boolean {
  if (limits.perDay <= 0) return false;
  if (!count) return true;
  const dayFull = count.day === utcDayOf(now) && count.n >= limits.perDay;
  return !dayFull && count.lastAt.getTime() <= now.getTime() - limits.minIntervalMs;
}

/** Why `count` refused a resend at `now`, and when the refusing limit lets one through. */
export function resendRefusal(
  count: ResendCount | undefined,
  now: Date,
  limits: ResendLimits,
): ResendRefusal {
  const nextDay = new Date(now.getTime() - (now.getTime() % DAY_MS) + DAY_MS);
  if (limits.perDay <= 0 || (count && count.day === utcDayOf(now) && count.n >= limits.perDay))
    return { limit: 'per_user_per_day', retryAt: nextDay };
  const spaced = new Date((count?.lastAt.getTime() ?? now.getTime()) + limits.minIntervalMs);
  return { limit: 'too_soon', retryAt: spaced };
}

/** @module The orders-per-minute window: the times of a portfolio's recent orders, kept pure. */
import { ORDER_RATE_WINDOW_MS } from './risk-limits.ts';

/** The times (epoch ms) still inside the window that ends at `now`, oldest first. */
export function ordersInWindow(
  times: readonly number[],
  now: number,
  windowMs = ORDER_RATE_WINDOW_MS,
): number[] {
  const from = now - windowMs;
  let i = 0;
  while (i < times.length && times[i]! <= from) i++;
  return times.slice(i);
}

/** The window after an order at `now` (times must be non-decreasing). */
export function recordOrderTime(
  times: readonly number[],
  now: number,
  windowMs = ORDER_RATE_WINDOW_MS,
): number[] {
  return [...ordersInWindow(times, now, windowMs), now];
}

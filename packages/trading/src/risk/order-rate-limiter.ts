/**
 * @module The orders-per-minute count as a port: `take` counts a portfolio's orders in the last
 * 60 s and, under the limit, counts this one — in one step, so two processes placing for the same
 * portfolio at once cannot both take the last slot. In memory for one process (embedded);
 * `redis-order-rate-limiter.ts` shares the count between strategy processes.
 */
import { ordersInWindow, recordOrderTime } from './order-rate.ts';
import { ORDER_RATE_WINDOW_MS } from './risk-limits.ts';

/** The answer of {@link OrderRateLimiter.take}. */
export interface OrderRateDecision {
  /** The order was counted: it may be placed. */
  allowed: boolean;
  /** Orders of the portfolio in the window before this one. */
  recent: number;
}

/** Counts orders per portfolio in a sliding 60 s window. */
export interface OrderRateLimiter {
  /** Counts an order at `now` (epoch ms) unless `limit` (> 0) orders are already in the window. */
  take(portfolioId: string, limit: number, now: number): Promise<OrderRateDecision>;
}

/** One process's count (the desk's default; exact when one process places every order). */
export class InMemoryOrderRateLimiter implements OrderRateLimiter {
  readonly #times = new Map<string, number[]>();
  readonly #windowMs: number;

  constructor(windowMs = ORDER_RATE_WINDOW_MS) {
    this.#windowMs = windowMs;
  }

  async take(portfolioId: string, limit: number, now: number): Promise<OrderRateDecision> {
    const times = ordersInWindow(this.#times.get(portfolioId) ?? [], now, this.#windowMs);
    const allowed = times.length < limit;
    this.#times.set(portfolioId, allowed ? recordOrderTime(times, now, this.#windowMs) : times);
    return { allowed, recent: times.length };
  }
}

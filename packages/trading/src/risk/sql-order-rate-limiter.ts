/**
 * @module Orders per minute shared through PostgreSQL, for a scaled topology without Redis: every
 * strategy process counts a portfolio's orders in one window, its row in `order_rate_windows`
 * (migration 0048). Counted and taken in one statement: `insert … on conflict do update … where`
 * locks the portfolio's row and evaluates the condition on its newest version, so of two processes
 * placing at once only one takes the last slot. When the database does not answer, the process's
 * own count stands in (a limit held per process beats none) and the failure is reported, as the
 * Redis limiter does.
 */
import { withTimeout } from '@tickline/kernel';
import type { Sql, SqlValue } from '@tickline/store';
import {
  InMemoryOrderRateLimiter,
  type OrderRateDecision,
  type OrderRateLimiter,
} from './order-rate-limiter.ts';
import { ORDER_RATE_WINDOW_MS } from './risk-limits.ts';

/** Options of {@link createSqlOrderRateLimiter}. */
export interface SqlOrderRateLimiterOptions {
  sql: Sql;
  /** @default 1_000 */
  statementTimeoutMs?: number;
  /** @default ORDER_RATE_WINDOW_MS (60 s) */
  windowMs?: number;
  /** The database did not answer (the process's own count was used). @default ignored */
  onError?: (error: unknown) => void;
}

// $1 portfolio, $2 now, $3 window start (exclusive), $4 limit. A row comes back when the order was
// counted; `recent` is how many were in the window before it.
const TAKE = `
insert into order_rate_windows as w (portfolio_id, times) values ($1, array[$2::bigint])
on conflict (portfolio_id) do update
  set times = array(select t from unnest(w.times) t where t > $3::bigint) || $2::bigint
  where cardinality(array(select t from unnest(w.times) t where t > $3::bigint)) < $4::int
returning cardinality(w.times) - 1 as recent`;

const RECENT = `
select cardinality(array(select t from unnest(times) t where t > $2::bigint)) as recent
  from order_rate_windows where portfolio_id = $1`;

/** See the module comment. */
export function createSqlOrderRateLimiter(options: SqlOrderRateLimiterOptions): OrderRateLimiter {
  const timeoutMs = options.statementTimeoutMs ?? 1_000;
  const windowMs = options.windowMs ?? ORDER_RATE_WINDOW_MS;
  const fallback = new InMemoryOrderRateLimiter(windowMs);
  const query = <R>(text: string, params: readonly SqlValue[]) =>
    withTimeout(options.sql.query<R>(text, params), timeoutMs, 'sql order rate');
  return {
    async take(portfolioId: string, limit: number, now: number): Promise<OrderRateDecision> {
      const since = now - windowMs;
      try {
        const taken = await query<{ recent: number }>(TAKE, [portfolioId, now, since, limit]);
        if (taken.rows.length > 0) return { allowed: true, recent: Number(taken.rows[0]!.recent) };
        // Refused: the full window, as the row holds it now (read for the message only).
        const held = await query<{ recent: number }>(RECENT, [portfolioId, since]);
        return { allowed: false, recent: Number(held.rows[0]?.recent ?? limit) };
      } catch (error) {
        options.onError?.(error);
        return fallback.take(portfolioId, limit, now);
      }
    },
  };
}
